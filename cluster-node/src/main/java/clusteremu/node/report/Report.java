package clusteremu.node.report;

import clusteremu.node.report.RunData.DispatcherSample;
import clusteremu.node.report.RunData.PhaseData;
import clusteremu.node.run.RecordedDispatcher;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.settings.ConfigNamed;
import clusteremu.tiers.time.TimeDilation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * The report of an experiment run: the capacities the model predicts from the settings the run
 * recorded, a row of measured figures per phase (in the dispatchers' mode and policy in force,
 * {@link InForce}), predicted against measured saturation per mode, and an HTML page with plots.
 * Made from the run's files alone ({@link RunData}).
 */
public final class Report {

  /** One phase's figures. {@code busy} and {@code queue} are the means over the measured window of the dispatchers the phase used. */
  record Row(
      String phase, String mode, String policy, int dispatchers, double offered, double throughput, double p50, double p99,
      double mean, double modelMean, long failed, long timeouts, double busy, double queue) {

    Row withModelMean(double value) {
      return new Row(phase, mode, policy, dispatchers, offered, throughput, p50, p99, mean, value, failed, timeouts, busy, queue);
    }
  }

  /** Predicted against measured saturation (the highest throughput of the mode's phases). */
  record Saturation(Mode mode, int dispatchers, double predicted, double measured, double maxOffered, String bottleneck) {
    String label() {
      return mode.configName() + (dispatchers > 0 ? ", " + dispatchers + " dispatcher" + (dispatchers == 1 ? "" : "s") : "");
    }

    double error() {
      return (measured - predicted) / predicted;
    }

    /** Whether any phase offered enough load to saturate the cluster in this mode. */
    boolean reached() {
      return maxOffered >= predicted;
    }
  }

  private final RunData data;
  private final Capacity capacity;
  private final List<Row> rows = new ArrayList<>();

  private Report(RunData data) {
    this.data = data;
    this.capacity = Capacity.of(data.settings());
    List<InForce> inForce = InForce.of(data);
    for (int i = 0; i < data.phases().size(); i++) {
      rows.add(row(data.phases().get(i), inForce.get(i)));
    }
    addModelMeans();
  }

  /**
   * The mean latency the model expects below saturation: the measured mean of the group's
   * lightest phase (same mode and dispatchers), plus how much longer the dispatcher queue makes
   * requests wait at the phase's load than at that one ({@link DispatcherQueue}). Only for
   * single-core dispatchers with a demand, all alike (the load is spread evenly); NaN elsewhere.
   */
  private void addModelMeans() {
    List<RecordedDispatcher> dispatchers = data.settings().dispatchers();
    if (dispatchers.isEmpty()) {
      return;
    }
    RecordedDispatcher first = dispatchers.get(0);
    boolean alike =
        dispatchers.stream().allMatch(d -> d.cores() == 1 && d.requestDemandNanos() == first.requestDemandNanos() && d.replyDemandNanos() == first.replyDemandNanos());
    if (!alike || first.requestDemandNanos() == 0) {
      return;
    }
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      java.util.Optional<Mode> mode = ConfigNamed.byName(Mode.class, row.mode());
      if (mode.isEmpty()) {
        continue;
      }
      int used = row.dispatchers() > 0 ? row.dispatchers() : dispatchers.size();
      DispatcherQueue queue = new DispatcherQueue(first.requestDemandNanos() / 1e9, first.replyDemandNanos() / 1e9, used);
      Row floor =
          rows.stream()
              .filter(r -> r.mode().equals(row.mode()) && r.dispatchers() == row.dispatchers())
              .min(java.util.Comparator.comparingDouble(Row::offered))
              .orElseThrow();
      double extra = queue.meanWaitSeconds(mode.get(), row.offered()) - queue.meanWaitSeconds(mode.get(), floor.offered());
      rows.set(i, row.withModelMean(Double.isFinite(extra) ? floor.mean() + 1000 * extra : Double.NaN));
    }
  }

  public static Report of(Path runRoot) {
    return new Report(RunData.load(runRoot));
  }

  private Row row(PhaseData phase, InForce inForce) {
    var s = phase.summary();
    long from = phase.record().measuredFrom();
    long to = phase.record().measuredTo();
    // A sample covers the second before its timestamp: take those wholly inside the window, of
    // the dispatchers that received requests in it (a phase may use only some of them).
    List<DispatcherSample> inWindow =
        data.dispatcherSamples().stream().filter(d -> d.ts() - 1000 >= from && d.ts() <= to).toList();
    java.util.Set<String> used = new java.util.HashSet<>();
    inWindow.stream()
        .collect(java.util.stream.Collectors.groupingBy(DispatcherSample::node))
        .forEach(
            (node, samples) -> {
              long least = samples.stream().mapToLong(DispatcherSample::received).min().orElse(0);
              long most = samples.stream().mapToLong(DispatcherSample::received).max().orElse(0);
              if (most > least) {
                used.add(node);
              }
            });
    double busy = 0;
    double queue = 0;
    int n = 0;
    for (DispatcherSample sample : inWindow) {
      if (used.contains(sample.node())) {
        busy += sample.busy();
        queue += sample.queueLength();
        n++;
      }
    }
    return new Row(
        phase.record().name(),
        inForce.modeName(),
        inForce.policyName(),
        s.get("settings").path("dispatchers_used").asInt(0),
        s.get("offered_rate").asDouble(),
        // The answers that arrived in the window: past saturation the plateau shows here (README, "The driver").
        s.has("completed_rate") ? s.get("completed_rate").asDouble() : s.get("throughput").asDouble(),
        s.get("latency_ms").get("p50").asDouble(),
        s.get("latency_ms").get("p99").asDouble(),
        s.get("latency_ms").get("mean").asDouble(),
        Double.NaN,
        s.get("failed").asLong(),
        s.get("timeouts").asLong(),
        n == 0 ? Double.NaN : busy / n,
        n == 0 ? Double.NaN : queue / n);
  }

  List<Row> rows() {
    return rows;
  }

  Capacity capacity() {
    return capacity;
  }

  /**
   * Per mode the phases ran in, and per number of dispatchers the load used (when
   * phases used different numbers), each predicted for the dispatchers actually used.
   */
  List<Saturation> saturation() {
    List<Saturation> result = new ArrayList<>();
    boolean byDispatchers = rows.stream().map(Row::dispatchers).distinct().count() > 1;
    for (Mode mode : Mode.values()) {
      List<Integer> counts = rows.stream().filter(r -> r.mode().equals(mode.configName())).map(Row::dispatchers).distinct().sorted().toList();
      for (int count : counts) {
        List<Row> group = rows.stream().filter(r -> r.mode().equals(mode.configName()) && r.dispatchers() == count).toList();
        Capacity used = Capacity.of(data.settings(), count);
        result.add(
            new Saturation(
                mode,
                byDispatchers ? count : 0,
                used.cluster(mode),
                group.stream().mapToDouble(Row::throughput).max().orElse(0),
                group.stream().mapToDouble(Row::offered).max().orElse(0),
                used.bottleneck(mode)));
      }
    }
    return result;
  }

  /** The run's time dilation as written in its scenario (10, not 10.0). */
  String dilation() {
    return new TimeDilation(data.settings().dilation()).factorText();
  }

  public Report print(PrintStream out) {
    if (data.settings().dilation() != 1) {
      out.printf("in emulated time: time dilation %s (each emulated second took %s real seconds)%n", dilation(), dilation());
    }
    out.println("predicted capacity (req/s, from " + data.settingsFrom() + "):");
    out.printf("  dispatcher   proxy %s   handoff %s%n", rate(capacity.dispatcherProxy()), rate(capacity.dispatcherHandoff()));
    out.printf("  app tier     %s%n  data tier    %s%n%n", rate(capacity.appTier()), rate(capacity.dataTier()));
    TextTable.print(
        out,
        List.of("PHASE", "MODE", "POLICY", "DISPATCHERS", "OFFERED", "THROUGHPUT", "P50 ms", "P99 ms", "MEAN ms", "MODEL MEAN ms", "FAILED", "TIMED OUT", "DISPATCHER BUSY", "QUEUE"),
        rows.stream()
            .map(
                r ->
                    List.of(
                        r.phase(), r.mode(), r.policy(), r.dispatchers() == 0 ? "-" : String.valueOf(r.dispatchers()), fmt(r.offered()), fmt(r.throughput()), fmt(r.p50()), fmt(r.p99()), fmt(r.mean()),
                        Double.isNaN(r.modelMean()) ? "-" : fmt(r.modelMean()),
                        String.valueOf(r.failed()), String.valueOf(r.timeouts()), Double.isNaN(r.busy()) ? "-" : String.format(Locale.ROOT, "%.2f", r.busy()),
                        Double.isNaN(r.queue()) ? "-" : String.format(Locale.ROOT, "%.1f", r.queue())))
            .toList());
    MigrationTable.of(data.root()).print(out);
    new FaultTable(data).print(out);
    List<Saturation> saturation = saturation();
    if (!saturation.isEmpty()) {
      out.println();
      TextTable.print(
          out,
          List.of("SATURATION", "PREDICTED", "MEASURED", "ERROR", "BOTTLENECK"),
          saturation.stream()
              .map(
                  s ->
                      List.of(
                          s.label(), rate(s.predicted()), fmt(s.measured()),
                          s.reached() ? String.format(Locale.ROOT, "%+.1f%%", 100 * s.error()) : "not reached (offered at most " + fmt(s.maxOffered()) + ")",
                          s.bottleneck()))
              .toList());
      out.println();
      for (String ratio : ratios(saturation)) {
        out.println(ratio);
      }
    }
    return this;
  }

  /**
   * The comparisons the model makes: handoff against proxy with the same dispatchers, and more
   * dispatchers against fewer in the same mode, each where both sides saturated.
   */
  List<String> ratios(List<Saturation> saturation) {
    List<String> lines = new ArrayList<>();
    for (Saturation proxy : saturation) {
      for (Saturation handoff : saturation) {
        if (proxy.mode() == Mode.PROXY && handoff.mode() == Mode.HANDOFF && proxy.dispatchers() == handoff.dispatchers() && proxy.reached() && handoff.reached()) {
          lines.add(
              String.format(
                  Locale.ROOT,
                  "handoff / proxy saturation%s: predicted %.2f, measured %.2f",
                  proxy.dispatchers() > 0 ? " with " + proxy.label().replace("proxy, ", "") : "",
                  handoff.predicted() / proxy.predicted(),
                  handoff.measured() / proxy.measured()));
        }
      }
    }
    for (Saturation fewer : saturation) {
      for (Saturation more : saturation) {
        if (fewer.mode() == more.mode() && fewer.dispatchers() > 0 && more.dispatchers() > fewer.dispatchers() && fewer.reached() && more.reached()) {
          lines.add(
              String.format(
                  Locale.ROOT,
                  "%d / %d dispatchers, %s: predicted %.2f, measured %.2f",
                  more.dispatchers(),
                  fewer.dispatchers(),
                  more.mode().configName(),
                  more.predicted() / fewer.predicted(),
                  more.measured() / fewer.measured()));
        }
      }
    }
    return lines;
  }

  /** Writes report.html into the run directory and returns its path. */
  public Path writeHtml() throws IOException {
    Path file = data.root().resolve("report.html");
    Files.writeString(file, ReportPage.render(this, data, charts()));
    return file;
  }

  private Map<String, XYChart> charts() {
    Map<String, XYChart> charts = new LinkedHashMap<>();
    XYChart throughput = Charts.chart("Throughput against offered load", "offered load (req/s)", "throughput (req/s)");
    XYChart latency = Charts.chart("Latency against offered load", "offered load (req/s)", "latency (ms, log scale)");
    latency.getStyler().setYAxisLogarithmic(true);
    double maxOffered = rows.stream().mapToDouble(Row::offered).max().orElse(1);
    Charts.reference(throughput, "offered = throughput", new double[] {0, maxOffered}, new double[] {0, maxOffered});
    for (String mode : modes()) {
      List<double[]> tp = new ArrayList<>();
      List<double[]> p50 = new ArrayList<>();
      List<double[]> p99 = new ArrayList<>();
      for (Row r : rows) {
        if (r.mode().equals(mode)) {
          tp.add(new double[] {r.offered(), r.throughput()});
          p50.add(new double[] {r.offered(), Math.max(r.p50(), 0.001)});
          p99.add(new double[] {r.offered(), Math.max(r.p99(), 0.001)});
        }
      }
      Charts.line(throughput, mode, tp);
      Charts.line(latency, mode + " p50", p50);
      Charts.line(latency, mode + " p99", p99);
      ConfigNamed.byName(Mode.class, mode)
          .filter(m -> Double.isFinite(capacity.cluster(m)))
          .ifPresent(m -> Charts.reference(throughput, mode + " predicted " + rate(capacity.cluster(m)), new double[] {0, maxOffered}, new double[] {capacity.cluster(m), capacity.cluster(m)}));
    }
    charts.put("throughput", throughput);
    charts.put("latency", latency);
    if (rows.stream().anyMatch(r -> !Double.isNaN(r.modelMean()))) {
      // A linear axis: below saturation the means often lie within one decade, where a log axis shows no numbers.
      XYChart model = Charts.chart("Mean latency: measured and the M/D/1 dispatcher model", "offered load (req/s)", "mean latency (ms)");
      for (String mode : modes()) {
        List<double[]> measured = new ArrayList<>();
        List<double[]> predicted = new ArrayList<>();
        for (Row r : rows) {
          if (r.mode().equals(mode) && !Double.isNaN(r.modelMean())) {
            measured.add(new double[] {r.offered(), Math.max(r.mean(), 0.001)});
            predicted.add(new double[] {r.offered(), Math.max(r.modelMean(), 0.001)});
          }
        }
        if (!measured.isEmpty()) {
          Charts.line(model, mode + " measured", measured);
          Charts.line(model, mode + " model", predicted).setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
      }
      charts.put("latency-model", model);
    }

    long t0 = data.phases().isEmpty() ? 0 : data.phases().get(0).intervals().stream().mapToLong(RunData.Interval::startMillis).min().orElse(0);
    List<Double> phaseStarts = new ArrayList<>();
    for (PhaseData phase : data.phases()) {
      phase.intervals().stream().mapToLong(RunData.Interval::startMillis).min().ifPresent(start -> phaseStarts.add((start - t0) / 1000.0));
    }
    List<Double> eventTimes = new ArrayList<>();
    List<String> eventLabels = new ArrayList<>();
    for (PhaseData phase : data.phases()) {
      for (RunData.Event event : phase.events()) {
        eventTimes.add((event.ts() - t0) / 1000.0);
        eventLabels.add(event.text());
      }
    }
    String marked = eventTimes.isEmpty() ? "(phases marked)" : "(phases and events marked)";
    XYChart overTimeThroughput = Charts.chart("Throughput over time " + marked, "time (s)", "answered ok (req/s)");
    XYChart overTimeLatency = Charts.chart("Latency over time " + marked, "time (s)", "latency (ms, log scale)");
    overTimeLatency.getStyler().setYAxisLogarithmic(true);
    List<double[]> tp = new ArrayList<>();
    List<double[]> p50 = new ArrayList<>();
    List<double[]> p99 = new ArrayList<>();
    for (PhaseData phase : data.phases()) {
      for (RunData.Interval interval : phase.intervals()) {
        double t = (interval.startMillis() - t0) / 1000.0;
        tp.add(new double[] {t, interval.count()});
        if (interval.count() > 0) {
          p50.add(new double[] {t, Math.max(interval.p50(), 0.001)});
          p99.add(new double[] {t, Math.max(interval.p99(), 0.001)});
        }
      }
    }
    Charts.line(overTimeThroughput, "ok per second", tp).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    Charts.line(overTimeLatency, "p50", p50).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    Charts.line(overTimeLatency, "p99", p99).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    Charts.phaseMarks(overTimeThroughput, phaseStarts);
    Charts.phaseMarks(overTimeLatency, phaseStarts);
    Charts.eventMarks(overTimeThroughput, eventTimes, eventLabels, tp.stream().mapToDouble(p -> p[1]).max().orElse(1) * 1.02);
    Charts.eventMarks(overTimeLatency, eventTimes, eventLabels, p99.stream().mapToDouble(p -> p[1]).max().orElse(1));
    charts.put("throughput-over-time", overTimeThroughput);
    charts.put("latency-over-time", overTimeLatency);
    if (data.phases().stream().anyMatch(p -> p.events().stream().anyMatch(RunData.Event::fault))) {
      XYChart availability = Charts.chart("Availability per second " + marked, "time (s)", "answered ok / settled");
      List<double[]> points = new ArrayList<>();
      for (PhaseData phase : data.phases()) {
        for (RunData.Outcome o : phase.outcomes()) {
          points.add(new double[] {(o.ts() - 1000 - t0) / 1000.0, o.availability()});
        }
      }
      Charts.line(availability, "availability", points).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
      Charts.phaseMarks(availability, phaseStarts);
      Charts.eventMarks(availability, eventTimes, eventLabels, 1.02);
      charts.put("availability", availability);
    }

    XYChart dispatcher = Charts.chart("Dispatcher utilisation over time (phases marked)", "time (s)", "busy (fraction of its cores)");
    XYChart dispatcherQueue = Charts.chart("Dispatcher queue over time (phases marked)", "time (s)", "requests waiting for its CPU");
    Map<String, List<double[]>> busy = new LinkedHashMap<>();
    Map<String, List<double[]>> queue = new LinkedHashMap<>();
    for (DispatcherSample sample : data.dispatcherSamples()) {
      double t = (sample.ts() - t0) / 1000.0;
      if (t >= -1 && (phaseStarts.isEmpty() || t <= lastTime(t0) + 2)) {
        busy.computeIfAbsent(sample.node(), k -> new ArrayList<>()).add(new double[] {t, sample.busy()});
        queue.computeIfAbsent(sample.node(), k -> new ArrayList<>()).add(new double[] {t, sample.queueLength()});
      }
    }
    busy.forEach((node, points) -> Charts.line(dispatcher, node + " busy", points).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE));
    queue.forEach((node, points) -> Charts.line(dispatcherQueue, node, points).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE));
    Charts.phaseMarks(dispatcher, phaseStarts);
    Charts.phaseMarks(dispatcherQueue, phaseStarts);
    charts.put("dispatcher", dispatcher);
    charts.put("dispatcher-queue", dispatcherQueue);
    return charts;
  }

  private double lastTime(long t0) {
    return data.phases().stream().mapToLong(p -> p.record().measuredTo()).max().orElse(t0) / 1000.0 - t0 / 1000.0;
  }

  private List<String> modes() {
    return rows.stream().map(Row::mode).distinct().toList();
  }

  static String rate(double value) {
    return Double.isInfinite(value) ? "unlimited" : fmt(value);
  }

  static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
