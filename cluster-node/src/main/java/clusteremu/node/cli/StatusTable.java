package clusteremu.node.cli;

import clusteremu.node.report.TextTable;
import clusteremu.node.launch.NodeProcesses;
import clusteremu.node.launch.RunningCluster;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.status.NodeStatus;
import clusteremu.node.status.StatusFiles;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The table of nodes that {@code cluster up} and {@code cluster status} print. */
final class StatusTable {
  private StatusTable() {}

  /**
   * Prints the table; returns how many nodes are running and Up. A node of another machine (when
   * {@code scripts/cluster up --machine} started this one's only) has no PID or status file here: it
   * is shown as this machine's nodes see it.
   */
  static int print(Scenario scenario, RunDirectory run, PrintStream out) {
    List<String> header = new ArrayList<>(List.of("NODE", "PORT", "PID", "STATE", "OTHERS SEE", "COMPONENTS", "IN FLIGHT", "MEMBERS UP"));
    if (scenario.spansMachines()) {
      header.add(1, "MACHINE");
    }
    TextTable table = new TextTable(header.toArray(String[]::new));
    int up = 0;
    List<NodeSpec> here = scenario.nodesOn(RunningCluster.startedOn(run));
    Optional<NodeStatus> witness = witness(here, run);
    for (NodeSpec node : scenario.nodes()) {
      List<String> row = new ArrayList<>();
      row.add(node.name());
      if (scenario.spansMachines()) {
        row.add(scenario.machineOf(node).displayName() + " " + scenario.machineOf(node).address());
      }
      if (!here.contains(node)) {
        // Never seen here is not removed: the other machine may not have started it yet.
        String seen = witness.map(w -> seenAs(w, scenario.addressOf(node))).map(s -> s.equals("removed") ? "not a member" : s).orElse("unknown (no node runs here)");
        if (seen.equals("Up")) {
          up++;
        }
        row.addAll(List.of(String.valueOf(node.port()), "elsewhere", seen, witness.isPresent() ? seen : "-", String.join(",", node.roles()), "-", "-"));
        table.row(row.toArray(String[]::new));
        continue;
      }
      Optional<ProcessHandle> process = NodeProcesses.find(run, node.name());
      Optional<NodeStatus> status = StatusFiles.read(run, node.name());
      String state;
      if (process.isEmpty()) {
        state = "not running";
      } else if (status.isEmpty()) {
        state = "starting";
      } else if (!StatusFiles.fresh(status.get())) {
        state = "unresponsive";
      } else {
        state = status.get().self();
        if (!status.get().unreachable().isEmpty()) {
          state += " (" + status.get().unreachable().size() + " unreachable)";
        }
      }
      if (process.isPresent() && state.equals("Up")) {
        up++;
      }
      boolean live = process.isPresent() && status.isPresent();
      row.addAll(List.of(
          String.valueOf(node.port()),
          process.map(p -> String.valueOf(p.pid())).orElse("-"),
          state,
          witness.map(w -> seenAs(w, scenario.addressOf(node))).orElse("-"),
          String.join(",", node.roles()),
          live ? inFlight(status.get()) : "-",
          live ? membersUp(status.get()) + "/" + scenario.nodes().size() : "-"));
      table.row(row.toArray(String[]::new));
    }
    table.print(out);
    return up;
  }

  /**
   * The node whose view of the membership the table shows for every node: the one with the
   * freshest status among those of {@code here} (this machine's nodes) running, so that a node killed or frozen is shown as the cluster
   * sees it (Unreachable, then Down and removed by the split-brain resolver), not as it last saw itself.
   */
  static Optional<NodeStatus> witness(List<NodeSpec> here, RunDirectory run) {
    NodeStatus best = null;
    for (NodeSpec node : here) {
      if (NodeProcesses.find(run, node.name()).isEmpty()) {
        continue;
      }
      Optional<NodeStatus> status = StatusFiles.read(run, node.name());
      if (status.isPresent() && StatusFiles.fresh(status.get()) && (best == null || status.get().ts() > best.ts())) {
        best = status.get();
      }
    }
    return Optional.ofNullable(best);
  }

  /** A member's state as {@code witness} sees it: its status, Unreachable when its heartbeats stopped, removed when it is gone. */
  private static String seenAs(NodeStatus witness, String address) {
    if (witness.unreachable().contains(address)) {
      return "Unreachable";
    }
    return witness.members().stream().filter(m -> m.address().equals(address)).map(NodeStatus.Member::status).findFirst().orElse("removed");
  }

  private static String inFlight(NodeStatus status) {
    return status.inFlight().values().stream().mapToLong(Long::longValue).sum() + "";
  }

  private static long membersUp(NodeStatus status) {
    List<NodeStatus.Member> members = status.members();
    return members.stream().filter(m -> m.status().equals("Up") && !m.roles().contains("driver")).count();
  }
}
