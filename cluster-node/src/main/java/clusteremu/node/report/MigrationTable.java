package clusteremu.node.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The migrations of a run side by side, from {@code migrations.jsonl}, each with the phase whose
 * event started it (from the phases' {@code events.json}): strategy, outcome, total time,
 * downtime, rounds, what crossed the network, whether the destination's pages were verified, the
 * post-copy faults and how long they waited in all, and what the phase's driver saw: requests failed and stale reads.
 */
final class MigrationTable {
  static final List<String> HEADER =
      List.of("PHASE", "VM", "FROM", "TO", "STRATEGY", "STATUS", "TOTAL ms", "DOWNTIME ms", "ROUNDS", "MiB", "VERIFIED", "FAULTS", "FAULT WAIT ms", "REASON", "PHASE FAILED",
          "STALE READS");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<List<String>> rows;

  private MigrationTable(List<List<String>> rows) {
    this.rows = rows;
  }

  /** The table of the run in {@code root}; empty when nothing migrated. */
  static MigrationTable of(Path root) {
    Path file = root.resolve("migrations.jsonl");
    if (!Files.isRegularFile(file)) {
      return new MigrationTable(List.of());
    }
    Map<String, String> phaseOf = new HashMap<>();
    Map<String, JsonNode> summaryOf = new HashMap<>();
    phasesOfMigrations(root, phaseOf, summaryOf);
    List<List<String>> rows = new ArrayList<>();
    try {
      for (String text : Files.readAllLines(file)) {
        JsonNode line = JSON.readTree(text);
        if (!line.path("kind").asText().equals("migration")) {
          continue;
        }
        JsonNode summary = summaryOf.get(line.path("id").asText());
        rows.add(
            List.of(
                phaseOf.getOrDefault(line.path("id").asText(), "-"), line.path("vm").asText(), line.path("from").asText(), line.path("to").asText(),
                line.path("strategy").asText(), line.path("status").asText(), String.format(Locale.ROOT, "%.0f", line.path("total_ms").asDouble()),
                String.format(Locale.ROOT, "%.1f", line.path("downtime_ms").asDouble()), line.path("rounds").asText(),
                String.format(Locale.ROOT, "%.0f", line.path("bytes").asDouble() / (1 << 20)),
                line.path("verified").isNull() ? "-" : line.path("verified").asText(), line.path("postcopy_faults").asText("0"),
                String.format(Locale.ROOT, "%.1f", line.path("postcopy_fault_wait_ms").asDouble()), line.path("stop_reason").asText(),
                summary == null ? "-" : summary.path("failed").asText(), summary == null ? "-" : summary.path("stale_reads").asText("-")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return new MigrationTable(rows);
  }

  /** Which phase's event started each migration, and that phase's summary, by migration id. */
  private static void phasesOfMigrations(Path root, Map<String, String> phaseOf, Map<String, JsonNode> summaryOf) {
    Path phases = root.resolve("phases");
    if (!Files.isDirectory(phases)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(phases)) {
      for (Path dir : dirs.sorted().toList()) {
        Path events = dir.resolve("events.json");
        if (Files.isRegularFile(events)) {
          for (JsonNode event : JSON.readTree(events.toFile())) {
            if (event.has("id")) {
              phaseOf.put(event.get("id").asText(), dir.getFileName().toString().replaceFirst("^[0-9]+-", ""));
              Path summary = dir.resolve("summary.json");
              if (Files.isRegularFile(summary)) {
                summaryOf.put(event.get("id").asText(), JSON.readTree(summary.toFile()));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the events of " + root, e);
    }
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintStream out) {
    if (!rows.isEmpty()) {
      out.println();
      TextTable.print(out, HEADER, rows);
    }
  }

  void html(StringBuilder html) {
    if (rows.isEmpty()) {
      return;
    }
    html.append("<h2>Migrations</h2>\n");
    ReportPage.table(html, HEADER, rows);
    html.append("<p class=\"note\">From migrations.jsonl. Downtime runs from the guest's pause until it runs at "
        + "the destination; pre-copy rounds and each round's figures are in the file's round lines.</p>\n");
  }
}
