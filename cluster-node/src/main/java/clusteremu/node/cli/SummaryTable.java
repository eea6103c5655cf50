package clusteremu.node.cli;

import clusteremu.node.report.TextTable;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Driver summaries side by side, one column per run, from their {@code summary.json} contents. */
final class SummaryTable {
  private SummaryTable() {}

  record Column(String label, Map<String, Object> summary) {}

  static void print(List<Column> columns, PrintStream out) {
    String[] header = new String[columns.size() + 1];
    header[0] = "";
    for (int i = 0; i < columns.size(); i++) {
      header[i + 1] = columns.get(i).label();
    }
    TextTable table = new TextTable(header);
    row(table, columns, "sent", s -> s.get("sent"));
    row(table, columns, "ok", s -> s.get("ok"));
    row(table, columns, "failed", s -> s.get("failed") + reasons(s.get("failed_by_reason")));
    row(table, columns, "timed out", s -> s.get("timeouts"));
    row(table, columns, "not sent", s -> s.get("not_sent") + reasons(s.get("not_sent_by_reason")));
    row(table, columns, "stale reads", s -> s.getOrDefault("stale_reads", "-"));
    row(table, columns, "offered (req/s)", s -> s.get("offered_rate"));
    row(table, columns, "throughput (req/s)", s -> s.get("throughput"));
    for (String p : new String[] {"p50", "p90", "p99", "p999", "max"}) {
      row(table, columns, "latency " + p + " (ms)", s -> latency(s).get(p));
    }
    row(table, columns, "mode", s -> settings(s).getOrDefault("mode", "as configured"));
    table.print(out);
  }

  private static void row(TextTable table, List<Column> columns, String name, java.util.function.Function<Map<String, Object>, Object> value) {
    String[] cells = new String[columns.size() + 1];
    cells[0] = name;
    for (int i = 0; i < columns.size(); i++) {
      cells[i + 1] = String.valueOf(value.apply(columns.get(i).summary()));
    }
    table.row(cells);
  }

  private static String reasons(Object byReason) {
    return byReason instanceof Map<?, ?> map && !map.isEmpty() ? " " + map : "";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> latency(Map<String, Object> summary) {
    return (Map<String, Object>) summary.getOrDefault("latency_ms", Map.of());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> settings(Map<String, Object> summary) {
    return (Map<String, Object>) summary.getOrDefault("settings", Map.of());
  }
}
