package clusteremu.node.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overload verdict takes the capacity of the mode the dispatchers were in (the recorded bottleneck run). */
class OverloadReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void phasesThatSetNoModeAreJudgedInTheModeTheDispatchersWereLaunchedIn() throws IOException {
    Path run = ReportTest.copyTree(ReportTest.FIXTURE, dir.resolve("run"));
    Path settings = run.resolve("settings.json");
    Files.writeString(settings, Files.readString(settings).replace("\"mode\" : \"proxy\"", "\"mode\" : \"handoff\""));
    for (String phase : new String[] {"01-proxy-40", "07-proxy-300", "14-handoff-300"}) {
      Path summary = run.resolve("phases/" + phase + "/summary.json");
      ObjectNode tree = (ObjectNode) JSON.readTree(summary.toFile());
      ((ObjectNode) tree.get("settings")).remove("mode");
      JSON.writeValue(summary.toFile(), tree);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OverloadReport.of(run).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("predicted capacity 200.0 req/s"), "handoff: 1 core / 5 ms, not proxy's 100\n" + text);
  }

  @Test
  void phasesInDifferentModesAreRefused() throws IOException {
    Path run = ReportTest.copyTree(ReportTest.FIXTURE, dir.resolve("run"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OverloadReport.of(run));
    assertEquals(
        run + ": the dispatchers ran in more than one mode (the phases', or as launched); an overload run offers multiples of one mode's capacity",
        e.getMessage());
  }
}
