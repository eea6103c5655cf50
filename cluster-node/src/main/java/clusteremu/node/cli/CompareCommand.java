package clusteremu.node.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = "Print driver summaries side by side.")
final class CompareCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "SUMMARY",
      description = "summary.json files, or directories holding one; each column is labelled with its directory's name.")
  List<Path> summaries;

  @Override
  public Integer call() {
    ObjectMapper json = new ObjectMapper();
    List<SummaryTable.Column> columns = new ArrayList<>();
    for (Path given : summaries) {
      Path file = Files.isDirectory(given) ? given.resolve("summary.json") : given;
      try {
        Map<String, Object> summary = json.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
        Path dir = file.toAbsolutePath().getParent();
        columns.add(new SummaryTable.Column(dir == null ? file.toString() : dir.getFileName().toString(), summary));
      } catch (IOException e) {
        System.err.println("clusteremu: cannot read " + file + ": " + e.getMessage() + "; expected a summary.json written by scripts/driver");
        return 2;
      }
    }
    SummaryTable.print(columns, System.out);
    return 0;
  }
}
