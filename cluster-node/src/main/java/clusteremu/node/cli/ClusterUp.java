package clusteremu.node.cli;

import clusteremu.node.launch.ClusterLauncher;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start one background JVM per node of a scenario and wait until every member is Up and every component is seen across the cluster.",
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

  @Override
  public Integer call() throws Exception {
    Scenario scenario = ScenarioLoader.load(scenarioFile);
    try {
      RunDirectory run = ClusterLauncher.launch(scenario, timeout != null ? timeout : scenario.startupTimeout(), System.out);
      StatusTable.print(scenario, run, System.out);
      return 0;
    } catch (ClusterLauncher.LaunchFailed e) {
      System.err.println("clusteremu: " + e.getMessage());
      return e.badInput() ? 2 : 1;
    }
  }
}
