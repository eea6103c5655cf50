package clusteremu.node.cli;

import clusteremu.node.run.NodeProcesses;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.Runs;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioException;
import clusteremu.node.scenario.ScenarioLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = "Stop the nodes of the latest run: SIGTERM (each leaves the cluster gracefully), then kill what is left after clusteremu.shutdown-timeout (20s).")
final class ClusterDown implements Callable<Integer> {

  @Override
  public Integer call() {
    Optional<RunDirectory> run = Runs.fromEnvironment().latest();
    if (run.isEmpty()) {
      System.out.println("no cluster to stop");
      return 0;
    }
    Scenario scenario;
    try {
      scenario = ScenarioLoader.load(run.get().scenario());
    } catch (ScenarioException e) {
      System.err.println("clusteremu: " + e.getMessage());
      return 2;
    }
    List<ProcessHandle> running = new ArrayList<>();
    for (NodeSpec node : scenario.nodes()) {
      NodeProcesses.find(run.get(), node.name()).ifPresent(running::add);
    }
    if (running.isEmpty()) {
      System.out.println("no node of " + run.get().root() + " is running");
      return 0;
    }
    long begin = System.nanoTime();
    int killed = NodeProcesses.stop(running, scenario.shutdownTimeout());
    System.out.printf(
        "stopped %d node(s) of %s in %.1f s%s%n",
        running.size(),
        run.get().root(),
        (System.nanoTime() - begin) / 1e9,
        killed > 0 ? "; " + killed + " did not leave within " + scenario.shutdownTimeout().toSeconds() + " s and were killed" : "");
    return 0;
  }
}
