package clusteremu.node.bench;

import clusteremu.node.report.OverloadReport;
import clusteremu.node.run.Runs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The verdict of {@code scripts/bench-overload} on the run of {@code config/experiments/overload.conf}. */
@Command(
    name = "bench-overload",
    mixinStandardHelpOptions = true,
    description = {
      "Completed throughput and p99 of served requests at 0.5x, 1x, 2x and 3x the capacity the model predicts, as a table and two plots.",
      "scripts/bench-overload runs config/experiments/overload.conf (about three minutes) and then this on its run.",
      "Writes bench-overload.json, bench-overload-throughput.png and bench-overload-p99.png into the run.",
      "Exit status: 0 target met (at 2x and above, completed within 5% of the capacity), 1 missed, 2 bad input."
    })
public final class OverloadBenchCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "The experiment run to judge. Default: runs/latest.")
  Path run;

  @Override
  public Integer call() throws Exception {
    Path root = run != null ? run : Runs.fromEnvironment().root().resolve("latest");
    if (!Files.isRegularFile(root.resolve("phases.json"))) {
      System.err.println("clusteremu bench-overload: " + root + " is not an experiment run (no phases.json); run scripts/bench-overload");
      return 2;
    }
    OverloadReport report;
    try {
      report = OverloadReport.of(root.toRealPath());
    } catch (IllegalArgumentException e) {
      System.err.println("clusteremu bench-overload: " + e.getMessage());
      return 2;
    }
    report.print(System.out).write();
    System.out.println("plots: " + root.resolve("bench-overload-throughput.png") + ", " + root.resolve("bench-overload-p99.png"));
    return report.met() ? 0 : 1;
  }
}
