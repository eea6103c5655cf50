package clusteremu.node.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * One step of the scale benchmark: every node's figures with idle VMs, and the same nodes' with
 * the same hosts and no idle VMs (the baseline). Bytes of heap per idle VM are the difference of
 * the two heaps after a full collection over the VMs: what the VMs keep, without the hosts,
 * Pekko, the tiers and the metrics' buffers, which both runs hold alike.
 */
record ScaleFigures(int hosts, int vms, List<ScaleBench.NodeFigures> nodes, List<ScaleBench.NodeFigures> baseline) {
  private static final String NODE_ROW = "%-8s %-6s %-7s %-8s %-16s %-15s %-16s %-12s %-17s %s%n";

  boolean up() {
    return !nodes.isEmpty();
  }

  double heapMb() {
    return nodes.stream().mapToDouble(ScaleBench.NodeFigures::heapAfterGcMb).sum();
  }

  double heapMaxMb() {
    return nodes.stream().mapToDouble(ScaleBench.NodeFigures::heapMaxMb).sum();
  }

  double processCpu() {
    return nodes.stream().mapToDouble(ScaleBench.NodeFigures::processCpu).sum();
  }

  int lines() {
    return nodes.stream().mapToInt(ScaleBench.NodeFigures::linesPerInterval).sum();
  }

  double readySeconds() {
    return nodes.stream().mapToDouble(ScaleBench.NodeFigures::readySeconds).max().orElse(0);
  }

  /** The baseline's heap for all nodes, when it came up. */
  Optional<Double> baselineMb() {
    return baseline.size() == nodes.size() && up()
        ? Optional.of(baseline.stream().mapToDouble(ScaleBench.NodeFigures::heapAfterGcMb).sum())
        : Optional.empty();
  }

  /** Bytes of heap per idle VM over all nodes, when the baseline came up. */
  Optional<Double> bytesPerVm() {
    return baselineMb().filter(b -> vms > 0).map(b -> (heapMb() - b) * 1048576 / vms);
  }

  /** A row per node and one for their total. */
  void printNodes(PrintStream out) {
    out.printf(NODE_ROW, "node", "hosts", "VMs", "ready s", "heap after GC MB", "no idle VMs MB", "bytes / idle VM", "process CPU", "lines / interval", "interval s");
    for (int i = 0; i < nodes.size(); i++) {
      ScaleBench.NodeFigures n = nodes.get(i);
      Optional<Double> base = baseline.size() == nodes.size() ? Optional.of(baseline.get(i).heapAfterGcMb()) : Optional.empty();
      out.printf(NODE_ROW, n.node(), n.hosts(), n.vms(), String.format("%.1f", n.readySeconds()),
          String.format("%.0f of %.0f", n.heapAfterGcMb(), n.heapMaxMb()), base.map(b -> String.format("%.0f", b)).orElse("-"),
          base.filter(b -> n.vms() > 0).map(b -> String.format("%.0f", (n.heapAfterGcMb() - b) * 1048576 / n.vms())).orElse("-"),
          String.format("%.2f", n.processCpu()), n.linesPerInterval(), String.format("%.2f", n.intervalSeconds()));
    }
    if (nodes.size() > 1) {
      out.printf(NODE_ROW, "total", hosts, vms, String.format("%.1f", readySeconds()), String.format("%.0f of %.0f", heapMb(), heapMaxMb()),
          baselineMb().map(b -> String.format("%.0f", b)).orElse("-"), bytesPerVm().map(b -> String.format("%.0f", b)).orElse("-"),
          String.format("%.2f", processCpu()), lines(), "");
    }
  }

  /** The summary: a row per step, totals over its nodes. */
  static void printSteps(List<ScaleFigures> steps, PrintStream out) {
    String row = "%-7s %-8s %-6s %-5s %-8s %-16s %-16s %-12s %s%n";
    out.printf(row, "hosts", "VMs", "nodes", "up", "ready s", "heap after GC MB", "bytes / idle VM", "process CPU", "metrics lines / interval");
    for (ScaleFigures s : steps) {
      boolean up = s.up();
      out.printf(row, s.hosts(), s.vms(), up ? s.nodes().size() : "-", up ? "yes" : "no", up ? String.format("%.1f", s.readySeconds()) : "-",
          up ? String.format("%.0f of %.0f", s.heapMb(), s.heapMaxMb()) : "-", s.bytesPerVm().map(b -> String.format("%.0f", b)).orElse("-"),
          up ? String.format("%.2f", s.processCpu()) : "-", up ? s.lines() : "-");
    }
  }
}
