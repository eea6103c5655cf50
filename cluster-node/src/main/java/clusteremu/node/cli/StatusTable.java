package clusteremu.node.cli;

import clusteremu.node.run.NodeProcesses;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.status.NodeStatus;
import clusteremu.node.status.StatusFiles;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/** The table of nodes that {@code cluster up} and {@code cluster status} print. */
final class StatusTable {
  private StatusTable() {}

  /** Prints the table; returns how many nodes are running and Up. */
  static int print(Scenario scenario, RunDirectory run, PrintStream out) {
    TextTable table = new TextTable("NODE", "PORT", "PID", "STATE", "COMPONENTS", "IN FLIGHT", "MEMBERS UP");
    int up = 0;
    for (NodeSpec node : scenario.nodes()) {
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
      table.row(
          node.name(),
          String.valueOf(node.port()),
          process.map(p -> String.valueOf(p.pid())).orElse("-"),
          state,
          String.join(",", node.roles()),
          live ? inFlight(status.get()) : "-",
          live ? membersUp(status.get()) + "/" + scenario.nodes().size() : "-");
    }
    table.print(out);
    return up;
  }

  private static String inFlight(NodeStatus status) {
    return status.inFlight().values().stream().mapToLong(Long::longValue).sum() + "";
  }

  private static long membersUp(NodeStatus status) {
    List<NodeStatus.Member> members = status.members();
    return members.stream().filter(m -> m.status().equals("Up") && !m.roles().contains("driver")).count();
  }
}
