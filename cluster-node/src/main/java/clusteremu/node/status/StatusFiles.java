package clusteremu.node.status;

import clusteremu.node.run.RunDirectory;
import clusteremu.node.datacenter.ComponentKind;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Reads the status files of a run, and judges from them whether a node is ready. */
public final class StatusFiles {
  /** A status older than this is stale: its node stopped writing. */
  public static final Duration STALE_AFTER = Duration.ofSeconds(5);

  private StatusFiles() {}

  public static Optional<NodeStatus> read(RunDirectory run, String node) {
    Path file = run.status(node);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(NodeStatus.JSON.readValue(file.toFile(), NodeStatus.class));
    } catch (IOException e) {
      return Optional.empty(); // being replaced right now; the next read sees the new one
    }
  }

  public static boolean fresh(NodeStatus status) {
    return System.currentTimeMillis() - status.ts() < STALE_AFTER.toMillis();
  }

  /** The node is Up and sees each of {@code nodes} Up (one machine's, when the others start elsewhere). */
  public static boolean up(NodeStatus status, Scenario scenario, java.util.List<NodeSpec> nodes) {
    if (!fresh(status) || !"Up".equals(status.self())) {
      return false;
    }
    for (NodeSpec node : nodes) {
      String address = scenario.addressOf(node);
      if (status.members().stream().noneMatch(m -> m.address().equals(address) && m.status().equals("Up"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Ready: the node is Up, sees every node of the scenario Up, and its receptionist lists as many
   * of each component as the scenario has.
   */
  public static boolean ready(NodeStatus status, Scenario scenario) {
    if (!up(status, scenario, scenario.nodes())) {
      return false;
    }
    for (ComponentKind kind : ComponentKind.values()) {
      if (status.sees().getOrDefault(kind.configName(), 0) != scenario.count(kind)) {
        return false;
      }
    }
    return true;
  }
}
