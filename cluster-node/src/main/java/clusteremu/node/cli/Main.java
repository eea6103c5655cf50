package clusteremu.node.cli;

import clusteremu.node.config.ScenarioException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command line of clusteremu; the scripts in {@code scripts/} call its sub-commands.
 * Exit status: 0 done, 1 the run failed, 2 bad usage or input.
 */
@Command(
    name = "clusteremu",
    mixinStandardHelpOptions = true,
    version = "clusteremu 0.1.0",
    description = "Emulates a three-tier cluster on real JVMs with Apache Pekko.",
    subcommands = {
      ClusterCommand.class,
      DriverCommand.class,
      CompareCommand.class,
      MigrateCommand.class,
      FaultCommand.class,
      clusteremu.node.experiment.ExperimentCommand.class,
      clusteremu.node.report.ReportCommand.class,
      clusteremu.node.bench.BenchCommand.class,
      clusteremu.node.bench.DatacenterBenchCommand.class,
      clusteremu.node.bench.MigrationBenchCommand.class,
      clusteremu.node.bench.OverloadBenchCommand.class,
      clusteremu.node.bench.SoakCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    // Logging first: Pekko logs from several threads as it starts, and SLF4J would replay those lines.
    org.slf4j.LoggerFactory.getILoggerFactory();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(false)
        .setExecutionExceptionHandler(Main::badInput);
  }

  /** A scenario or run that cannot be used is bad input: one line naming what is wrong, status 2. */
  private static int badInput(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof ScenarioException) {
      commandLine.getErr().println("clusteremu: " + e.getMessage());
      commandLine.getErr().flush();
      return 2;
    }
    throw e;
  }
}
