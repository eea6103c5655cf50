package clusteremu.node.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Print the tables of an experiment run and write its report.html (self-contained, with plots).",
      "Works from the run's files alone (settings.json, phases.json, phases/*/summary.json and latency.hlog, metrics/*.jsonl)."
    })
public final class ReportCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "RUN", description = "The run directory, e.g. runs/latest.")
  Path run;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(run)) {
      System.err.println("clusteremu: " + run + " is not a run directory; expected e.g. runs/latest");
      return 2;
    }
    try {
      Path html = Report.of(run).print(System.out).writeHtml();
      System.out.println("\nreport: " + html);
      return 0;
    } catch (IllegalArgumentException | clusteremu.node.config.ScenarioException e) {
      System.err.println("clusteremu: " + e.getMessage());
      return 2;
    }
  }
}
