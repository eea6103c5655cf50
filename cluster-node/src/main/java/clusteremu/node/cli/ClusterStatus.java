package clusteremu.node.cli;

import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.Runs;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioException;
import clusteremu.node.scenario.ScenarioLoader;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Print the nodes of the latest run: state, components, requests in flight. Exits 0 when every node is running and Up, 1 otherwise.")
final class ClusterStatus implements Callable<Integer> {

  @Override
  public Integer call() {
    Optional<RunDirectory> run = Runs.fromEnvironment().latest();
    if (run.isEmpty()) {
      System.out.println("no cluster has been started here (no " + Runs.fromEnvironment().root().resolve("latest") + ")");
      return 1;
    }
    Scenario scenario;
    try {
      scenario = ScenarioLoader.load(run.get().scenario());
    } catch (ScenarioException e) {
      System.err.println("clusteremu: " + e.getMessage());
      return 2;
    }
    System.out.println("run " + run.get().root());
    int up = StatusTable.print(scenario, run.get(), System.out);
    System.out.printf("%d of %d nodes running and Up%n", up, scenario.nodes().size());
    return up == scenario.nodes().size() ? 0 : 1;
  }
}
