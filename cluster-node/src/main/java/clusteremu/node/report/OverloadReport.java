package clusteremu.node.report;

import clusteremu.node.report.RunData.PhaseData;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.protocol.FailureReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/**
 * The overload benchmark's verdict on an experiment run that offered multiples of the capacity
 * the model predicts ({@code config/experiments/overload.conf}): per phase, the rate completed
 * (answers that arrived in the measured window) against that capacity, the 99th percentile of
 * the requests served, and what was refused. A real saturated server keeps serving at its
 * capacity; the target is that every phase offered twice the capacity or more completes within
 * {@value #TOLERANCE} of it, the excess refused fast as {@code overloaded}, never silently lost.
 */
public final class OverloadReport {
  /** How far from the capacity an overloaded phase's completed rate may be. */
  static final double TOLERANCE = 0.05;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One phase: its load as a multiple of the capacity, and what came of it. */
  record Row(
      String phase, double factor, double offered, double completed, double ofCapacity, double p99, long overloaded, long otherFailed, long timeouts,
      long notSent, boolean judged, boolean met) {}

  private final Path root;
  private final double capacity;
  private final List<Row> rows = new ArrayList<>();

  private OverloadReport(RunData data) {
    this.root = data.root();
    List<Mode> modes = InForce.of(data).stream().map(InForce::mode).distinct().toList();
    if (modes.isEmpty()) {
      throw new IllegalArgumentException(data.root() + " has no phases");
    }
    if (modes.size() > 1 || modes.get(0) == null) {
      throw new IllegalArgumentException(data.root() + ": the dispatchers ran in more than one mode (the phases', or as launched); an overload run offers multiples of one mode's capacity");
    }
    // As the experiment took its factors of it: over the dispatchers the driver uses by default.
    this.capacity = Capacity.of(data.settings(), data.settings().driver().dispatchers()).cluster(modes.get(0));
    for (PhaseData phase : data.phases()) {
      JsonNode s = phase.summary();
      long overloaded = s.path("failed_by_reason").path(FailureReason.OVERLOADED).asLong();
      double factor = phase.record().rate() / capacity;
      double completed = s.path("completed_rate").asDouble();
      boolean judged = factor >= 2 - 1e-9;
      // Met: the capacity is served, and the excess is refused fast, never timed out or left unsent.
      boolean nothingLost = s.path("timeouts").asLong() == 0 && s.path("not_sent").asLong() == 0;
      rows.add(
          new Row(
              phase.record().name(), factor, s.path("offered_rate").asDouble(), completed, completed / capacity,
              s.path("latency_ms").path("p99").asDouble(), overloaded, s.path("failed").asLong() - overloaded, s.path("timeouts").asLong(),
              s.path("not_sent").asLong(), judged, !judged || (Math.abs(completed / capacity - 1) <= TOLERANCE && nothingLost)));
    }
  }

  /** The verdict on the experiment run in {@code root}. */
  public static OverloadReport of(Path root) {
    return new OverloadReport(RunData.load(root));
  }

  /** Whether every phase at twice the capacity or more completed within the tolerance of it. */
  public boolean met() {
    return rows.stream().allMatch(Row::met) && rows.stream().anyMatch(Row::judged);
  }

  public OverloadReport print(PrintStream out) {
    out.printf(Locale.ROOT, "=== overload (%s): predicted capacity %.1f req/s ===%n", root.getFileName(), capacity);
    TextTable table =
        new TextTable("PHASE", "LOAD", "OFFERED/S", "COMPLETED/S", "OF CAPACITY", "P99 MS (SERVED)", "OVERLOADED", "OTHER FAILED", "TIMED OUT", "NOT SENT");
    for (Row r : rows) {
      table.row(
          r.phase(), String.format(Locale.ROOT, "%.2fx", r.factor()), Report.fmt(r.offered()), Report.fmt(r.completed()),
          String.format(Locale.ROOT, "%.3f%s", r.ofCapacity(), r.judged() ? (r.met() ? " ok" : " MISSED") : ""), Report.fmt(r.p99()),
          String.valueOf(r.overloaded()), String.valueOf(r.otherFailed()), String.valueOf(r.timeouts()), String.valueOf(r.notSent()));
    }
    table.print(out);
    out.printf(
        Locale.ROOT, "target: at 2x the capacity and above, completed within %.0f%% of %.1f req/s, nothing timed out or not sent: %s%n", TOLERANCE * 100, capacity,
        met() ? "met" : "MISSED");
    return this;
  }

  /** Writes {@code bench-overload.json} and the two plots ({@code bench-overload-*.png}) into the run. */
  public OverloadReport write() throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("capacity", capacity);
    json.put("tolerance", TOLERANCE);
    json.put("met", met());
    json.put("phases", rows);
    JSON.writeValue(root.resolve("bench-overload.json").toFile(), json);
    double most = rows.stream().mapToDouble(Row::factor).max().orElse(1);
    XYChart completed = Charts.chart("Completed throughput against offered load", "offered load (x predicted capacity)", "completed (req/s)");
    Charts.line(completed, "completed", rows.stream().map(r -> new double[] {r.factor(), r.completed()}).toList());
    Charts.reference(completed, "predicted capacity", new double[] {0, most}, new double[] {capacity, capacity});
    Charts.reference(completed, "offered", new double[] {0, most}, new double[] {0, most * capacity});
    BitmapEncoder.saveBitmap(completed, root.resolve("bench-overload-throughput.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    XYChart p99 = Charts.chart("99th percentile of served requests", "offered load (x predicted capacity)", "p99 (ms)");
    Charts.line(p99, "p99", rows.stream().map(r -> new double[] {r.factor(), r.p99()}).toList());
    BitmapEncoder.saveBitmap(p99, root.resolve("bench-overload-p99.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    return this;
  }
}
