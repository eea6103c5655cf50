package clusteremu.node.report;

import clusteremu.node.report.RunData.Event;
import clusteremu.node.report.RunData.Outcome;
import clusteremu.node.report.RunData.PhaseData;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each fault of an experiment did to the service, from the driver's outcomes per second
 * ({@code outcomes.jsonl}) and the phase's events: the requests failed (by reason) and timed out
 * from the fault until the next event, the lowest availability per second (ok over settled)
 * then, and how long until the throughput was back within {@value #BACK_WITHIN} of before — before
 * being the mean ok per second over the {@value #BEFORE_SECONDS} s before the phase's first fault,
 * and back meaning {@value #STEADY_SECONDS} seconds in a row at that level or above.
 */
final class FaultTable {
  static final double BACK_WITHIN = 0.05;
  static final int BEFORE_SECONDS = 10;
  static final int STEADY_SECONDS = 3;

  /** One fault: its phase and time in it, what failed until the next event, and the recovery (NaN: not back before the next event). */
  record Row(String phase, String fault, double atSeconds, double baseline, Map<String, Long> failedByReason, long timeouts, double minAvailability, double backAfterSeconds) {}

  private final List<Row> rows = new ArrayList<>();

  FaultTable(RunData data) {
    for (PhaseData phase : data.phases()) {
      // A refused event changed nothing: it is neither a fault nor the end of one's window.
      List<Event> events = phase.events().stream().filter(e -> !e.refused()).toList();
      List<Outcome> outcomes = phase.outcomes();
      Event first = events.stream().filter(Event::fault).findFirst().orElse(null);
      if (first == null || outcomes.isEmpty()) {
        continue;
      }
      double baseline =
          outcomes.stream().filter(o -> o.ts() <= first.ts() && o.ts() > first.ts() - BEFORE_SECONDS * 1000L).mapToLong(Outcome::ok).average().orElse(Double.NaN);
      long start = outcomes.get(0).ts() - 1000;
      for (int i = 0; i < events.size(); i++) {
        Event event = events.get(i);
        if (!event.fault()) {
          continue;
        }
        long until = i + 1 < events.size() ? events.get(i + 1).ts() : Long.MAX_VALUE;
        // Each second (by its end) belongs to one window: after this event, up to the next.
        List<Outcome> window = outcomes.stream().filter(o -> o.ts() > event.ts() && o.ts() <= until).toList();
        Map<String, Long> failed = new TreeMap<>();
        long timeouts = 0;
        double minAvailability = 1.0;
        for (Outcome o : window) {
          o.failedByReason().forEach((reason, n) -> failed.merge(reason, n, Long::sum));
          timeouts += o.timeouts();
          minAvailability = Math.min(minAvailability, o.availability());
        }
        rows.add(
            new Row(phase.record().name(), event.text(), (event.ts() - start) / 1000.0, baseline, failed, timeouts, minAvailability, backAfter(window, event.ts(), baseline)));
      }
    }
  }

  /** Seconds from the fault to the start of the first run of steady seconds at the baseline's level; NaN when there is none. */
  static double backAfter(List<Outcome> window, long faultTs, double baseline) {
    int steady = 0;
    for (int i = 0; i < window.size(); i++) {
      steady = window.get(i).ok() >= (1 - BACK_WITHIN) * baseline ? steady + 1 : 0;
      if (steady == STEADY_SECONDS) {
        long backFrom = window.get(i - STEADY_SECONDS + 1).ts() - 1000;
        return Math.max(0, (backFrom - faultTs) / 1000.0);
      }
    }
    return Double.NaN;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  List<Row> rows() {
    return rows;
  }

  private static final List<String> HEADER =
      List.of("PHASE", "AT s", "FAULT", "BEFORE ok/s", "FAILED UNTIL NEXT EVENT", "TIMED OUT", "MIN AVAILABILITY", "BACK AFTER s");

  void print(PrintStream out) {
    if (rows.isEmpty()) {
      return;
    }
    out.println();
    out.printf(
        "FAULTS (throughput back: %d s in a row within %.0f%% of the mean ok/s over the %d s before the phase's first fault)%n",
        STEADY_SECONDS, BACK_WITHIN * 100, BEFORE_SECONDS);
    TextTable.print(out, HEADER, cells());
  }

  void html(StringBuilder html) {
    if (rows.isEmpty()) {
      return;
    }
    html.append("<h2>Faults</h2>\n");
    ReportPage.table(html, HEADER.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(), cells());
    html.append("<p class=\"note\">Throughput is back once ")
        .append(STEADY_SECONDS).append(" seconds in a row answer at least ").append(Math.round((1 - BACK_WITHIN) * 100))
        .append("% of the mean ok per second over the ").append(BEFORE_SECONDS)
        .append(" s before the phase's first fault; availability per second is ok over the requests settled in it.</p>\n");
  }

  /** The rows as the text and the HTML table show them. */
  private List<List<String>> cells() {
    return rows.stream()
        .map(
            r ->
                List.of(
                    r.phase(), String.format(Locale.ROOT, "%.1f", r.atSeconds()), r.fault(), Report.fmt(r.baseline()), failed(r.failedByReason()),
                    String.valueOf(r.timeouts()), String.format(Locale.ROOT, "%.3f", r.minAvailability()),
                    Double.isNaN(r.backAfterSeconds()) ? "not before the next event" : String.format(Locale.ROOT, "%.0f", r.backAfterSeconds())))
        .toList();
  }

  private static String failed(Map<String, Long> byReason) {
    if (byReason.isEmpty()) {
      return "0";
    }
    List<String> parts = new ArrayList<>();
    byReason.forEach((reason, n) -> parts.add(reason + " " + n));
    return String.join(", ", parts);
  }
}
