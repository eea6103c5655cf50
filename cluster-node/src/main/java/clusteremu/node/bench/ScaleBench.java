package clusteremu.node.bench;

import clusteremu.node.launch.ClusterLauncher;
import clusteremu.node.launch.NodeProcesses;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How many hosts and idle VMs node JVMs carry: starts real nodes with a generated datacenter
 * ({@link ScaleScenario}), lets them write their metrics for a while, and reads back each node's
 * ready time, CPU and metrics lines per interval from its metrics log, then its heap after a full
 * collection (asked of each JVM with {@code jcmd GC.run}, so garbage does not count as kept).
 */
final class ScaleBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One node JVM's figures; {@code heapAfterGcMb} is after the full collection the bench asked for. */
  record NodeFigures(
      String node,
      int hosts,
      int vms,
      double readySeconds,
      double heapAfterGcMb,
      double heapMaxMb,
      double processCpu,
      int linesPerInterval,
      double intervalSeconds) {}

  private ScaleBench() {}

  /**
   * Starts {@code hosts} hosts with {@code vmsPerHost} idle VMs each over {@code nodes} JVMs, each
   * writing at most {@code datacenterLines} host and VM lines a metrics interval (0: all), waits
   * {@code settle}, measures and stops them; empty when the cluster did not come up.
   */
  static Optional<List<NodeFigures>> run(
      Path dir, int hosts, int vmsPerHost, int nodes, String heap, int datacenterLines, Duration settle, PrintStream out) throws Exception {
    Path file = dir.resolve("scale-" + hosts + "x" + vmsPerHost + "-" + nodes + "n.conf");
    Files.writeString(file, ScaleScenario.render(hosts, vmsPerHost, nodes, heap, ScaleScenario.freePorts(nodes + 1), datacenterLines));
    Scenario scenario = ScenarioLoader.load(file);
    RunDirectory run;
    Map<String, Duration> readyAfter = new LinkedHashMap<>();
    try {
      // Thousands of hosts take tens of seconds a node JVM, more when several share two cores.
      run = ClusterLauncher.launch(scenario, null, Duration.ofSeconds(Math.max(120, hosts / 25)), out, readyAfter);
    } catch (ClusterLauncher.LaunchFailed e) {
      out.println("  did not come up: " + e.getMessage().lines().findFirst().orElse(""));
      return Optional.empty();
    }
    try {
      Thread.sleep(settle.toMillis());
      Map<String, Idle> idle = awaitSteady(run, scenario, STEADY_LIMIT, out);
      long collected = System.currentTimeMillis();
      for (NodeSpec node : scenario.nodes()) {
        NodeProcesses.find(run, node.name()).ifPresent(ScaleBench::fullGc);
      }
      // The next node line after the collection reports the heap it left.
      Thread.sleep(scenario.metricsInterval().toMillis() + 1500);
      List<NodeFigures> figures = new ArrayList<>();
      for (NodeSpec node : scenario.nodes()) {
        Idle before = idle.get(node.name());
        JsonNode after = lastNodeLine(run.metrics(node.name()), collected).orElse(before.last());
        int carried = scenario.datacenter().orElseThrow().hostsOf(node.name()).size();
        figures.add(
            new NodeFigures(
                node.name(),
                carried,
                carried * vmsPerHost,
                readyAfter.getOrDefault(node.name(), Duration.ZERO).toMillis() / 1000.0,
                after.get("heap_after_gc_mb").asDouble(),
                after.get("heap_max_mb").asDouble(),
                before.processCpu(),
                before.linesPerInterval(),
                before.intervalSeconds()));
      }
      figures.sort(java.util.Comparator.comparing(NodeFigures::node));
      return Optional.of(figures);
    } finally {
      ClusterLauncher.stop(run, scenario, new ArrayList<>());
    }
  }

  /**
   * How long past the settling time the bench waits for every node's metrics log to keep its
   * interval: a node that fell behind while it started (100,000 VMs) writes late, then catches up
   * with lines in quick succession, and neither is the node at rest.
   */
  private static final Duration STEADY_LIMIT = Duration.ofSeconds(60);

  /** Each node's idle figures, once the last intervals of every node are within 15% of the interval (or at the limit). */
  private static Map<String, Idle> awaitSteady(RunDirectory run, Scenario scenario, Duration limit, PrintStream out) throws Exception {
    double interval = scenario.metricsInterval().toMillis() / 1000.0;
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Map<String, Idle> idle = new LinkedHashMap<>();
      for (NodeSpec node : scenario.nodes()) {
        idle.put(node.name(), idle(run.metrics(node.name())));
      }
      boolean steady = idle.values().stream().allMatch(i -> i.gaps().stream().allMatch(g -> Math.abs(g - interval) <= 0.15 * interval));
      if (steady) {
        return idle;
      }
      if (System.nanoTime() - deadline > 0) {
        out.printf("  the metrics logs did not keep a steady %.1f s interval within %d s more; figures as they stand%n", interval, limit.toSeconds());
        return idle;
      }
      Thread.sleep(5000);
    }
  }

  /** What a node's metrics log says of it while idle: the last node line, CPU, lines, and the gaps between its last lines. */
  private record Idle(JsonNode last, double processCpu, int linesPerInterval, List<Double> gaps) {
    double intervalSeconds() {
      return gaps.isEmpty() ? 0 : median(gaps);
    }
  }

  private static Idle idle(Path metrics) throws IOException {
    // Streamed: at thousands of hosts the log grows by tens of thousands of lines a second.
    List<JsonNode> nodeLines = new ArrayList<>();
    Map<Long, Integer> linesAt = new HashMap<>();
    try (var lines = Files.lines(metrics)) {
      lines.forEach(
          line -> {
            long ts = ts(line);
            linesAt.merge(ts, 1, Integer::sum);
            if (line.contains("\"kind\":\"node\"")) {
              nodeLines.add(read(line));
            }
          });
    }
    JsonNode last = nodeLines.get(nodeLines.size() - 1);
    // Medians of the last intervals: a single one may hold a collection or a late timer.
    List<JsonNode> recent = nodeLines.subList(Math.max(0, nodeLines.size() - 6), nodeLines.size());
    List<Double> cpu = new ArrayList<>();
    List<Double> gaps = new ArrayList<>();
    for (int i = 0; i < recent.size(); i++) {
      cpu.add(recent.get(i).get("process_cpu").asDouble());
      if (i > 0) {
        gaps.add((recent.get(i).get("ts").asLong() - recent.get(i - 1).get("ts").asLong()) / 1000.0);
      }
    }
    return new Idle(last, median(cpu), linesAt.get(last.get("ts").asLong()), gaps);
  }

  /** The last node line written at or after {@code since} (epoch ms), if any. */
  private static Optional<JsonNode> lastNodeLine(Path metrics, long since) throws IOException {
    JsonNode[] last = new JsonNode[1];
    try (var lines = Files.lines(metrics)) {
      lines.filter(line -> line.contains("\"kind\":\"node\"") && ts(line) >= since).forEach(line -> last[0] = read(line));
    }
    return Optional.ofNullable(last[0]);
  }

  /** Asks the JVM for a full collection (jcmd, next to this JVM's java); on failure the figure is after its last collection. */
  private static void fullGc(ProcessHandle process) {
    String jcmd =
        ProcessHandle.current().info().command().map(java -> Path.of(java).resolveSibling("jcmd"))
            .filter(Files::isExecutable).map(Path::toString).orElse("jcmd");
    try {
      Process gc = new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.run").redirectErrorStream(true).start();
      gc.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      gc.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      System.err.println("  (no full collection: " + e.getMessage() + "; heap after the node's last collection)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long ts(String line) {
    int at = line.indexOf("\"ts\":");
    return Long.parseLong(line.substring(at + 5, line.indexOf(',', at)));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
