package clusteremu.node.bench;

import clusteremu.node.report.TextTable;
import clusteremu.node.report.Capacity;
import clusteremu.node.run.SettingsFile;
import clusteremu.node.scenario.LaunchSettings;
import clusteremu.node.launch.RunningCluster;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.config.ScenarioException;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.settings.ConfigNamed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The soak test, on a cluster started with its scenario ({@code scripts/soak} does it all): the
 * project's driver offers {@code --rate-factor} (0.5) of the capacity the model predicts ({@link
 * Capacity#cluster}) open loop for {@code --warmup} and then {@code --duration}; every {@code
 * --interval} the command reads each node's newest {@code node} metrics line and prints its heap
 * after GC, threads and open files with their change from the first judged value. At the end it
 * judges each node's series with {@link Growth} (heap after GC on medians of the first and last
 * three, threads and open files on every value against the first), writes {@code
 * runs/<run>/soak.json}, and exits 1 if any grew past 10%, if the driver's books do not balance,
 * or if any request failed, timed out or was never sent.
 *
 * <p>The driver runs as its own JVM ({@code scripts/driver}), as a client does: the load
 * generator's heap, threads and pauses stay out of this process, which only reads files and
 * sleeps, and its progress lines go to {@code soak-driver.log} instead of filling the terminal
 * for half an hour.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Load the running cluster at half the capacity the model predicts for a long time and check that no node's heap after GC, threads or open files grow.",
      "Needs a cluster started with the scenario of --scenario (scripts/soak does it all, and stops it after).",
      "Every --interval it prints one line per node: heap after GC (MB), threads and open files, each with its change from its first judged value (the end of the warm-up).",
      "Judged: threads and open files on every value against the first; heap after GC, which moves with each collection, on the median of its last 3 samples against the median of its first 3. Any of them more than 10%% up fails.",
      "Writes runs/<run>/soak.json, and the driver's summary.json and log under runs/<run>/soak-driver*.",
      "Exit status: 0 nothing grew and every request was answered ok; 1 something grew past 10%%, the driver's books do not balance, or a request failed, timed out or was not sent; 2 bad input."
    })
public final class SoakCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The driver prints this when its load starts (after joining the cluster and switching the dispatchers). */
  private static final String LOAD_STARTED = "open loop at ";

  @Option(names = "--duration", defaultValue = "30m", converter = DurationOption.class, description = "Judged load, e.g. 30m. Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "60s", converter = DurationOption.class, description = "Load before the judged part, not judged (JIT and connections grow heap and threads at first). Default: ${DEFAULT-VALUE}.")
  Duration warmup;

  @Option(names = "--interval", defaultValue = "60s", converter = DurationOption.class, description = "Time between samples (the 'minute'). Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(names = "--rate-factor", defaultValue = "0.5", description = "Offered load as a fraction of the capacity the model predicts. Default: ${DEFAULT-VALUE}.")
  double rateFactor;

  @Option(names = "--scenario", description = "The scenario the cluster runs. Default: config/default.conf.")
  Path scenarioFile;

  @Option(names = "--mode", defaultValue = "proxy", description = "Dispatcher mode for the load, and whose capacity the rate is of: proxy or handoff. Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(names = "--check-options", hidden = true, description = "Only check the options and print the scenario's path, then exit (0 good, 2 bad).")
  boolean checkOnly;

  /** One node's samples, in order. */
  private record Sample(double seconds, double heapAfterGcMb, double heapUsedMb, double threads, double openFiles) {}

  /** The three judged metrics: name in soak.json, name on the terminal, how it is judged. */
  private enum Metric {
    HEAP_AFTER_GC("heap_after_gc_mb", "heap after GC MB"),
    THREADS("threads", "threads"),
    OPEN_FILES("open_files", "open files");

    final String field;
    final String label;

    Metric(String field, String label) {
      this.field = field;
      this.label = label;
    }

    double of(Sample s) {
      return switch (this) {
        case HEAP_AFTER_GC -> s.heapAfterGcMb();
        case THREADS -> s.threads();
        case OPEN_FILES -> s.openFiles();
      };
    }

    Growth.Verdict judge(List<Double> series) {
      return this == HEAP_AFTER_GC ? Growth.medians(series, Growth.WINDOW) : Growth.eachValue(series);
    }
  }

  @Override
  public Integer call() throws Exception {
    Mode loadMode = ConfigNamed.byName(Mode.class, mode).orElse(null);
    String bad = badOption(loadMode);
    if (bad != null) {
      System.err.println("clusteremu soak: " + bad);
      return 2;
    }
    Path file = scenarioPath();
    if (checkOnly) {
      try {
        Scenario given = ScenarioLoader.load(file);
        double capacity = Capacity.of(LaunchSettings.of(given)).cluster(loadMode);
        if (!Double.isFinite(capacity)) {
          System.err.println("clusteremu soak: " + file + " has no emulated demand in " + mode + " mode, so the model predicts no capacity to take a fraction of; give a scenario with demands, e.g. config/default.conf");
          return 2;
        }
      } catch (ScenarioException e) {
        System.err.println("clusteremu: " + e.getMessage());
        return 2;
      }
      System.out.println(file.toAbsolutePath().normalize());
      return 0;
    }
    Optional<RunningCluster> cluster = RunningCluster.latest();
    if (cluster.isEmpty()) {
      System.err.println("clusteremu soak: no running cluster; start one with scripts/cluster up " + file + " (scripts/soak does it all)");
      return 2;
    }
    Scenario scenario = cluster.get().scenario();
    if (scenario.timeDilation().dilated()) {
      System.err.println("clusteremu soak: the running scenario sets clusteremu.time-dilation = " + scenario.timeDilation().factor()
          + "; the soak test judges the real machine over real minutes: run it on a scenario in real time (time-dilation = 1)");
      return 2;
    }
    Path runDir = cluster.get().run().root();
    Capacity model;
    try {
      // The running cluster's own record of its settings, as the report reads it.
      model = Capacity.of(SettingsFile.read(cluster.get().run()));
    } catch (IllegalArgumentException e) {
      System.err.println("clusteremu soak: " + e.getMessage());
      return 2;
    }
    double capacity = model.cluster(loadMode);
    if (!Double.isFinite(capacity)) {
      System.err.println("clusteremu soak: the running scenario has no emulated demand in " + mode + " mode: no capacity to take a fraction of");
      return 2;
    }
    double rate = rateFactor * capacity;
    List<String> nodes = scenario.nodes().stream().map(NodeSpec::name).toList();
    System.out.printf(
        "soak: %s in %s mode; the model's capacity %.1f req/s (%s), offered %.2f x = %.1f req/s for %s after %s of warm-up (not judged); a sample every %s%n",
        runDir.getFileName(), mode, capacity, model.bottleneck(loadMode), rateFactor, rate, text(duration), text(warmup), text(interval));
    System.out.println("the driver's progress goes to " + runDir.resolve("soak-driver.log"));

    Path driverOut = runDir.resolve("soak-driver");
    Path driverLog = runDir.resolve("soak-driver.log");
    Process driver = startDriver(rate, driverOut, driverLog);
    Thread stopDriver = new Thread(() -> stop(driver), "soak-stop-driver");
    Runtime.getRuntime().addShutdownHook(stopDriver); // Ctrl-C: the driver still writes its summary
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    nodes.forEach(n -> samples.put(n, new ArrayList<>()));
    List<String> problems = new ArrayList<>();
    try {
      if (!awaitLoad(driver, driverLog)) {
        System.err.println("clusteremu soak: the driver's load did not start; the end of " + driverLog + ":");
        tail(driverLog, 15).forEach(System.err::println);
        return 1;
      }
      long origin = System.nanoTime();
      long judgedFrom = origin + warmup.toNanos();
      int samplesWanted = (int) (duration.toNanos() / interval.toNanos()) + 1;
      Map<String, MetricsTail> tails = new LinkedHashMap<>();
      nodes.forEach(n -> tails.put(n, new MetricsTail(cluster.get().run().metrics(n))));
      Duration stale = Duration.ofSeconds(Math.max(10, 5 * scenario.metricsInterval().toSeconds()));
      System.out.printf("%-8s  %-14s  %17s  %8s  %8s  %7s  %10s  %7s%n", "minute", "node", "heap after GC MB", "change", "threads", "change", "open files", "change");
      for (int k = 0; k < samplesWanted; k++) {
        sleepUntil(judgedFrom + k * interval.toNanos());
        double seconds = k * interval.toNanos() / 1e9;
        for (String node : nodes) {
          JsonNode line = tails.get(node).newest();
          if (line == null || System.currentTimeMillis() - line.path("ts").asLong() > stale.toMillis()) {
            String problem = String.format("%s wrote no metrics line for more than %d s at minute %s (its JVM stopped?)", node, stale.toSeconds(), minute(seconds));
            System.out.println(problem);
            problems.add(problem);
            continue;
          }
          Sample sample =
              new Sample(seconds, line.path("heap_after_gc_mb").asDouble(-1), line.path("heap_used_mb").asDouble(), line.path("threads").asDouble(-1), line.path("open_files").asDouble(-1));
          List<Sample> series = samples.get(node);
          series.add(sample);
          Sample first = series.get(0);
          System.out.printf(
              "%-8s  %-14s  %17.1f  %8s  %8.0f  %7s  %10s  %7s%n",
              minute(seconds), node, sample.heapAfterGcMb(), change(first.heapAfterGcMb(), sample.heapAfterGcMb()), sample.threads(), change(first.threads(), sample.threads()),
              sample.openFiles() < 0 ? "n/a" : String.format("%.0f", sample.openFiles()), change(first.openFiles(), sample.openFiles()));
        }
      }
      if (!driver.waitFor(3, TimeUnit.MINUTES)) {
        problems.add("the driver did not end within 3 minutes of the load; see " + driverLog);
      }
    } finally {
      stop(driver);
      try {
        Runtime.getRuntime().removeShutdownHook(stopDriver);
      } catch (IllegalStateException shuttingDown) {
        // already running: it stops the driver itself
      }
    }

    // ---- the verdict ----
    System.out.println();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run", runDir.toString());
    json.put("scenario", file.toAbsolutePath().normalize().toString());
    json.put("mode", mode);
    json.put("capacity_req_per_s", capacity);
    json.put("rate_factor", rateFactor);
    json.put("rate_req_per_s", rate);
    json.put("warmup_s", warmup.toMillis() / 1e3);
    json.put("duration_s", duration.toMillis() / 1e3);
    json.put("interval_s", interval.toMillis() / 1e3);
    json.put("limit", Growth.LIMIT);
    boolean grew = false;
    TextTable table = new TextTable("NODE", "METRIC", "FIRST", "LAST", "LARGEST GROWTH", "JUDGED ON", "GROWTH", "VERDICT");
    Map<String, Object> nodesJson = new LinkedHashMap<>();
    for (String node : nodes) {
      List<Sample> series = samples.get(node);
      Map<String, Object> nodeJson = new LinkedHashMap<>();
      List<Map<String, Object>> samplesJson = new ArrayList<>();
      for (Sample s : series) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("minute", s.seconds() / 60);
        one.put("heap_after_gc_mb", s.heapAfterGcMb());
        one.put("heap_used_mb", s.heapUsedMb());
        one.put("threads", s.threads());
        one.put("open_files", s.openFiles());
        samplesJson.add(one);
      }
      nodeJson.put("samples", samplesJson);
      Map<String, Object> verdicts = new LinkedHashMap<>();
      for (Metric metric : Metric.values()) {
        Growth.Verdict v = metric.judge(series.stream().map(metric::of).toList());
        grew |= v.grew();
        String verdict = !v.available() ? "not available" : v.grew() ? "GREW" : "ok";
        table.row(
            node, metric.label, number(v.first()), number(v.last()), percent(v.largestGrowth()),
            v.basis() == Growth.Basis.MEDIANS ? String.format("medians %s -> %s", number(v.baseline()), number(v.end())) : "each value vs first",
            percent(v.growth()), verdict);
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("judged_on", v.basis().text());
        one.put("available", v.available());
        one.put("first", finite(v.first()));
        one.put("last", finite(v.last()));
        one.put("largest_growth", finite(v.largestGrowth()));
        one.put("baseline", finite(v.baseline()));
        one.put("end", finite(v.end()));
        one.put("growth", finite(v.growth()));
        one.put("grew", v.grew());
        verdicts.put(metric.field, one);
      }
      nodeJson.put("verdicts", verdicts);
      nodesJson.put(node, nodeJson);
    }
    table.print(System.out);
    System.out.printf(
        "judged: heap after GC on the median of the last %d samples against the median of the first %d, threads and open files on every sample against the first; limit +%.0f%%%n",
        Growth.WINDOW, Growth.WINDOW, Growth.LIMIT * 100);
    json.put("nodes", nodesJson);

    Map<String, Object> load = new LinkedHashMap<>();
    Path summaryFile = driverOut.resolve("summary.json");
    if (Files.isRegularFile(summaryFile)) {
      JsonNode summary = JSON.readTree(summaryFile.toFile());
      long sent = summary.path("sent").asLong();
      long ok = summary.path("ok").asLong();
      long failed = summary.path("failed").asLong();
      long timeouts = summary.path("timeouts").asLong();
      long notSent = summary.path("not_sent").asLong();
      boolean balanced = sent == ok + failed + timeouts;
      System.out.printf(
          "the driver: %d sent, %d ok, %d failed, %d timed out, %d not sent, %d stale reads (books %s); offered %.1f req/s, throughput %.1f req/s, p50 %.1f ms, p99 %.1f ms%n",
          sent, ok, failed, timeouts, notSent, summary.path("stale_reads").asLong(), balanced ? "balance" : "DO NOT BALANCE",
          summary.path("offered_rate").asDouble(), summary.path("throughput").asDouble(), summary.path("latency_ms").path("p50").asDouble(),
          summary.path("latency_ms").path("p99").asDouble());
      if (!balanced) {
        problems.add("the driver's books do not balance: sent " + sent + " != ok " + ok + " + failed " + failed + " + timed out " + timeouts);
      }
      if (failed > 0 || timeouts > 0 || notSent > 0) {
        problems.add(String.format("requests not answered ok: %d failed %s, %d timed out, %d not sent", failed, summary.path("failed_by_reason"), timeouts, notSent));
      }
      if (summary.path("interrupted").asBoolean()) {
        problems.add("the driver was interrupted");
      }
      for (String field : List.of("sent", "ok", "failed", "timeouts", "not_sent", "stale_reads", "offered_rate", "throughput", "interrupted")) {
        load.put(field, summary.path(field));
      }
      load.put("balanced", balanced);
      load.put("latency_ms", summary.path("latency_ms"));
    } else {
      problems.add("the driver wrote no summary; see " + driverLog);
    }
    if (driver.exitValue() != 0) {
      problems.add("the driver exited with status " + driver.exitValue() + "; see " + driverLog);
    }
    json.put("driver", load);
    json.put("grew", grew);
    json.put("problems", problems);
    json.put("passed", !grew && problems.isEmpty());
    Path out = runDir.resolve("soak.json");
    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    System.out.println("wrote " + out);
    problems.forEach(p -> System.err.println("clusteremu soak: " + p));
    if (grew) {
      System.err.printf("clusteremu soak: a node's metric grew more than %.0f%% (GREW above)%n", Growth.LIMIT * 100);
    }
    System.out.println(grew || !problems.isEmpty() ? "soak: FAILED" : "soak: passed");
    return grew || !problems.isEmpty() ? 1 : 0;
  }

  /** What is wrong with the options, or null. */
  private String badOption(Mode loadMode) {
    if (duration.isZero() || duration.isNegative()) {
      return "--duration is " + text(duration) + "; expected a duration above zero, e.g. 30m";
    }
    if (warmup.isNegative()) {
      return "--warmup is " + text(warmup) + "; expected zero or more, e.g. 60s";
    }
    if (interval.toMillis() < 1000) {
      return "--interval is " + text(interval) + "; expected at least 1s (the nodes write their metrics every second), e.g. 60s";
    }
    if (interval.compareTo(duration) > 0) {
      return "--interval " + text(interval) + " is longer than --duration " + text(duration) + "; expected at most the duration";
    }
    if (!(rateFactor > 0) || Double.isInfinite(rateFactor)) {
      return "--rate-factor is " + rateFactor + "; expected a fraction of the capacity above zero, e.g. 0.5";
    }
    if (loadMode == null) {
      return "--mode is '" + mode + "'; expected one of " + ConfigNamed.names(Mode.class);
    }
    if (scenarioFile != null && !Files.isRegularFile(scenarioFile)) {
      return "--scenario " + scenarioFile + " is not a file; expected a scenario such as config/default.conf";
    }
    return null;
  }

  /** The scenario given, or config/default.conf of the project. */
  private Path scenarioPath() {
    if (scenarioFile != null) {
      return scenarioFile;
    }
    String home = System.getenv("CLUSTEREMU_HOME");
    return (home == null ? Path.of("") : Path.of(home)).resolve("config").resolve("default.conf");
  }

  /** The project's driver, as its own JVM: open loop at {@code rate} for the warm-up and the duration. */
  private Process startDriver(double rate, Path out, Path log) throws IOException {
    String home = System.getenv("CLUSTEREMU_HOME");
    if (home == null) {
      throw new IllegalStateException("CLUSTEREMU_HOME is not set; run this through scripts/soak");
    }
    Files.createDirectories(out);
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(home, "scripts", "driver").toString(),
            "--rate", String.valueOf(rate),
            "--warmup", warmup.toMillis() + "ms",
            "--duration", duration.toMillis() + "ms",
            "--mode", mode,
            "--out", out.toString());
    builder.environment().put("CLUSTEREMU_NO_BUILD", "1");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  /** Waits until the driver's log says its load started; false if the driver ended first or it took too long. */
  private static boolean awaitLoad(Process driver, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.isRegularFile(log) && Files.readString(log, StandardCharsets.UTF_8).contains(LOAD_STARTED)) {
        return true;
      }
      if (!driver.isAlive()) {
        return false;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** SIGTERM to the driver if it still runs (it then writes its summary), and a wait for it. */
  private static void stop(Process driver) {
    if (driver.isAlive()) {
      driver.destroy();
      try {
        driver.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static List<String> tail(Path file, int lines) throws IOException {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    return all.subList(Math.max(0, all.size() - lines), all.size());
  }

  /** The newest {@code node} line of a node's metrics log, read on from where it was last time. */
  private static final class MetricsTail {
    private final Path file;
    private long offset;
    private JsonNode newest;

    MetricsTail(Path file) {
      this.file = file;
    }

    JsonNode newest() throws IOException {
      if (!Files.isRegularFile(file)) {
        return newest;
      }
      try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
        long length = in.length();
        if (length <= offset) {
          return newest;
        }
        byte[] bytes = new byte[(int) (length - offset)];
        in.seek(offset);
        in.readFully(bytes);
        int end = lastNewline(bytes);
        if (end < 0) {
          return newest; // a line still being written
        }
        offset += end + 1;
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
          if (line.contains("\"kind\":\"node\"")) {
            newest = JSON.readTree(line);
          }
        }
      }
      return newest;
    }

    private static int lastNewline(byte[] bytes) {
      for (int i = bytes.length - 1; i >= 0; i--) {
        if (bytes[i] == '\n') {
          return i;
        }
      }
      return -1;
    }
  }

  // ---- formatting ----

  private static String minute(double seconds) {
    double minutes = seconds / 60;
    return minutes == Math.rint(minutes) ? String.format("%.0f", minutes) : String.format("%.1f", minutes);
  }

  private static String change(double first, double now) {
    if (first < 0 || now < 0) {
      return "n/a";
    }
    return percent(Growth.growth(first, now));
  }

  private static String percent(double fraction) {
    if (Double.isNaN(fraction)) {
      return "n/a";
    }
    if (Double.isInfinite(fraction)) {
      return "+inf%";
    }
    return String.format("%+.1f%%", fraction * 100);
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    return value == Math.rint(value) && Math.abs(value) < 1e9 ? String.format("%.0f", value) : String.format("%.1f", value);
  }

  /** JSON has no NaN or infinity: null instead. */
  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  private static String text(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** Durations as the other commands take them: a number with a unit, e.g. 30s, 2m, 500ms. */
  static final class DurationOption implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(value)).getDuration("d");
      } catch (ConfigException e) {
        throw new TypeConversionException("'" + value + "' is not a duration; expected a number with a unit, e.g. 30m, 60s");
      }
    }
  }
}
