package clusteremu.node.bench;

import clusteremu.node.launch.NodeProcesses;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.NodeSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real CPU the node JVMs of a run spend over a measured window, by the PIDs the run recorded
 * (the OS's user and system time of each process, as /proc/PID/stat counts it; clock ticks of
 * 10 ms, so a window of seconds reads within a few percent). The benchmark's own client is not
 * a node and is not counted.
 */
final class NodeCpu {
  private final RunDirectory run;
  private final List<NodeSpec> nodes;

  NodeCpu(RunDirectory run, List<NodeSpec> nodes) {
    this.run = run;
    this.nodes = nodes;
  }

  /** CPU time each node JVM has used so far, by node name; a node without a running JVM is left out. */
  Map<String, Duration> snapshot() {
    Map<String, Duration> used = new LinkedHashMap<>();
    for (NodeSpec node : nodes) {
      NodeProcesses.find(run, node.name()).flatMap(p -> p.info().totalCpuDuration()).ifPresent(cpu -> used.put(node.name(), cpu));
    }
    return used;
  }

  /**
   * Cores each node JVM used per 1,000 completed requests per second over a window: its CPU time
   * between the two snapshots over the window's wall time, divided by rate / 1000.
   */
  static Map<String, Double> perThousand(Map<String, Duration> before, Map<String, Duration> after, double wallSeconds, double rate) {
    Map<String, Double> cores = new LinkedHashMap<>();
    if (wallSeconds <= 0 || rate <= 0) {
      return cores;
    }
    before.forEach(
        (node, start) -> {
          Duration end = after.get(node);
          if (end != null) {
            cores.put(node, (end.minus(start).toNanos() / 1e9 / wallSeconds) / (rate / 1000));
          }
        });
    return cores;
  }

  /** The mean over the node JVMs, or NaN when none was read. */
  static double mean(Map<String, Double> byNode) {
    return byNode.values().stream().mapToDouble(d -> d).average().orElse(Double.NaN);
  }
}
