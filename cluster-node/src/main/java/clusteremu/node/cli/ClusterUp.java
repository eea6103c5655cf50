package clusteremu.node.cli;

import clusteremu.node.launch.ClusterLauncher;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start one background JVM per node of a scenario and wait until every member is Up and every component is seen across the cluster.",
      "With --machine, only that machine's nodes (README, \"Across machines\").",
      "Writes runs/<run-id>/ (scenario.conf, logs/, metrics/, status/, pids/) and points runs/latest at it.",
      "On failure prints the failing node's log tail, stops every JVM it started, and exits 1; bad input exits 2."
    })
final class ClusterUp implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = "${env:CLUSTEREMU_HOME:-.}/config/default.conf",
      description = "Scenario file (HOCON). Default: config/default.conf of the project.")
  Path scenarioFile;

  @Option(
      names = "--timeout",
      converter = DurationConverter.class,
      description = "How long to wait for the cluster, e.g. 2m. Default: clusteremu.startup-timeout of the scenario (90s).")
  Duration timeout;

  @Option(
      names = "--machine",
      paramLabel = "NAME",
      description = {
        "Start only the nodes of this machine of the scenario's clusteremu.machines (run it on that machine); they join the others through the seed nodes.",
        "Start the machine of the first seed node first. Default: every node, here."
      })
  String machine;

  @Override
  public Integer call() throws Exception {
    Scenario scenario = ScenarioLoader.load(scenarioFile);
    if (machine != null) {
      List<String> names = scenario.machines().keySet().stream().filter(n -> !n.isEmpty()).toList();
      if (!names.contains(machine)) {
        System.err.println("clusteremu cluster up: --machine " + machine + " is not a machine of " + scenarioFile + "; expected one of " + names);
        return 2;
      }
      if (scenario.nodesOn(machine).isEmpty()) {
        System.err.println("clusteremu cluster up: machine " + machine + " of " + scenarioFile + " has no nodes; expected a machine that some node names");
        return 2;
      }
    }
    try {
      RunDirectory run = ClusterLauncher.launch(scenario, machine, timeout != null ? timeout : scenario.startupTimeout(), System.out, new LinkedHashMap<>());
      StatusTable.print(scenario, run, System.out);
      return 0;
    } catch (ClusterLauncher.LaunchFailed e) {
      System.err.println("clusteremu: " + e.getMessage());
      return e.badInput() ? 2 : 1;
    }
  }
}
