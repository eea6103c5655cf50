package clusteremu.node.cli;

import clusteremu.node.config.ScenarioException;
import clusteremu.node.control.ControlClient;
import clusteremu.node.launch.ClusterLauncher;
import clusteremu.node.launch.RunningCluster;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.status.NodeStatus;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the nodes of the latest run: SIGTERM (each leaves the cluster gracefully), then kill what is left after clusteremu.shutdown-timeout (20s).",
      "When the run's nodes are one machine's (cluster up --machine), the nodes of the other machines are asked through the control API to leave the cluster, and their JVMs exit; this machine's are stopped after them."
    })
final class ClusterDown implements Callable<Integer> {

  @Option(
      names = "--machine",
      paramLabel = "NAME",
      description = "Stop only the nodes of this machine of the scenario (this one's, or another's through the control API). Default: every node of the cluster.")
  String machine;

  @Override
  public Integer call() throws Exception {
    Optional<RunningCluster> cluster = RunningCluster.latest();
    if (cluster.isEmpty()) {
      System.out.println("no cluster to stop");
      return 0;
    }
    RunDirectory run = cluster.get().run();
    Scenario scenario = cluster.get().scenario();
    if (machine != null && (machine.isEmpty() || !scenario.machines().containsKey(machine))) {
      System.err.println("clusteremu cluster down: --machine " + machine + " is not a machine of " + run.scenario() + "; expected one of "
          + scenario.machines().keySet().stream().filter(n -> !n.isEmpty()).toList());
      return 2;
    }
    List<NodeSpec> targets = machine == null ? scenario.nodes() : scenario.nodesOn(machine);
    List<NodeSpec> here = scenario.nodesOn(cluster.get().startedOn());
    // Those of other machines that this one's nodes see as members (all, when none runs here to tell).
    Optional<NodeStatus> view = witness(cluster.get(), here);
    List<String> elsewhere =
        targets.stream()
            .filter(n -> !here.contains(n))
            .filter(n -> view.isEmpty() || view.get().members().stream().anyMatch(m -> m.address().equals(scenario.addressOf(n))))
            .map(NodeSpec::name)
            .toList();
    int status = 0;
    if (!elsewhere.isEmpty()) {
      status = leave(cluster.get(), elsewhere, here);
    }
    long begin = System.nanoTime();
    List<ProcessHandle> running = new ArrayList<>();
    int killed = ClusterLauncher.stop(run, targets.stream().filter(here::contains).toList(), scenario.shutdownTimeout(), running);
    if (running.isEmpty()) {
      if (elsewhere.isEmpty()) {
        System.out.println("no node of " + run.root() + " is running here");
      }
      return status;
    }
    System.out.printf(
        "stopped %d node(s) of %s in %.1f s%s%n",
        running.size(),
        run.root(),
        (System.nanoTime() - begin) / 1e9,
        killed > 0 ? "; " + killed + " did not leave within " + scenario.shutdownTimeout().toSeconds() + " s and were killed" : "");
    return status;
  }

  /**
   * Asks the nodes of other machines to leave through the control API, then waits (up to the
   * shutdown timeout) until this machine's nodes see them gone. Returns 0, or 1 when they could not
   * be asked or did not leave in time.
   */
  private static int leave(RunningCluster cluster, List<String> nodes, List<NodeSpec> here) throws InterruptedException {
    Scenario scenario = cluster.scenario();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    nodes.forEach(body.putArray("nodes")::add);
    try {
      ControlClient api = ControlClient.of(scenario, cluster.startedOn(), cluster.run().root());
      ControlClient.Answer answer = api.post("/members/leave", body);
      if (answer.status() != 202) {
        System.err.println("clusteremu cluster down: the control API refused to have " + nodes + " leave: " + answer.error());
        return 1;
      }
      System.out.println("asked " + nodes.size() + " node(s) on other machines to leave: " + String.join(", ", nodes));
    } catch (java.io.IOException | ScenarioException e) {
      // ScenarioException: this machine's stores or token file cannot be read; its own nodes still stop.
      System.err.println("clusteremu cluster down: cannot reach the control API to have " + nodes + " leave (" + e
          + "); stop them on their machines with scripts/cluster down --machine NAME");
      return 1;
    }
    List<String> addresses = nodes.stream().map(n -> scenario.addressOf(scenario.node(n).orElseThrow())).toList();
    long deadline = System.nanoTime() + scenario.shutdownTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      Optional<NodeStatus> view = witness(cluster, here);
      if (view.isEmpty()) {
        return 0; // no node runs here to watch them go: they were asked
      }
      if (view.get().members().stream().noneMatch(m -> addresses.contains(m.address()))) {
        System.out.println("they left the cluster");
        return 0;
      }
      Thread.sleep(250);
    }
    System.err.println("clusteremu cluster down: " + nodes + " were asked to leave but are still members after "
        + scenario.shutdownTimeout().toSeconds() + " s; stop them on their machines with scripts/cluster down");
    return 1;
  }

  private static Optional<NodeStatus> witness(RunningCluster cluster, List<NodeSpec> here) {
    return StatusTable.witness(here, cluster.run());
  }
}
