package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default scenario as real JVMs, started and stopped by the project's own scripts, with load
 * from the real driver in both modes: every member comes Up, requests succeed, the driver's
 * accounts balance, the dispatcher's metrics count exactly what the driver sent, and no JVM is
 * left behind, pass or fail.
 */
class ClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theDefaultScenarioCarriesLoadInBothModesAndAccountsForEveryRequest() throws Exception {
    Scripts scripts = new Scripts(dir.resolve("runs"));
    Path scenario = Scripts.defaultScenarioOnFreePorts(dir);
    scripts.withCluster(30, () -> {
      Scripts.Result up = scripts.run(Duration.ofMinutes(3), "cluster", "up", scenario.toString());
      assertEquals(0, up.exitCode(), up.output());
      Scripts.Result status = scripts.run(Duration.ofMinutes(1), "cluster", "status");
      assertEquals(0, status.exitCode(), status.output());
      assertTrue(status.output().contains("4 of 4 nodes running and Up"), status.output());

      Path run = dir.resolve("runs/latest").toRealPath();
      long sent = 0;
      for (String mode : List.of("proxy", "handoff")) {
        Scripts.Result driver =
            scripts.run(
                Duration.ofMinutes(3), "driver", "--mode", mode, "--rate", "150", "--duration", "3s", "--warmup", "1s",
                "--out", run.resolve(mode).toString());
        assertEquals(0, driver.exitCode(), driver.output());
        assertTrue(driver.output().contains("dispatcher now in mode " + mode), driver.output());
        JsonNode summary = JSON.readTree(run.resolve(mode).resolve("summary.json").toFile());
        long ok = summary.get("ok").asLong();
        long total = ok + summary.get("failed").asLong() + summary.get("timeouts").asLong();
        assertTrue(ok > 0, mode + ": " + summary);
        assertEquals(summary.get("sent").asLong(), total, mode + ": sent == ok + failed + timeouts");
        assertTrue(summary.get("latency_ms").get("p50").asDouble() > 0, summary.toString());
        assertTrue(intervalsWithData(run.resolve(mode).resolve("latency.hlog")) > 0, "the HdrHistogram log has intervals");
        sent += summary.get("sent").asLong();
      }

      sent += interruptedRun(scripts, run.resolve("interrupted"));

      Scripts.Result down = scripts.run(Duration.ofMinutes(2), "cluster", "down");
      assertEquals(0, down.exitCode(), down.output());
      assertEquals(List.of(), scripts.livePids(), "cluster down leaves no JVM behind");

      // Read after down: each node writes a last metrics line as it stops.
      JsonNode dispatcher = lastLine(run.resolve("metrics/dispatcher-1.jsonl"), "dispatcher");
      assertEquals(sent, dispatcher.get("received").asLong(), "the dispatcher received exactly what the drivers sent, interrupted or not");
      assertEquals(0, dispatcher.get("in_flight").asLong());
      JsonNode app = lastLine(run.resolve("metrics/app-1.jsonl"), "app-server");
      assertTrue(app.get("completed").asLong() > 0, app.toString());
      assertTrue(Files.readString(run.resolve("metrics/data-1.jsonl")).contains("\"kind\":\"node\""));
    });
  }

  /**
   * A driver stopped with SIGTERM (as Ctrl-C would) a few seconds into a two-minute run still
   * writes a summary, marked interrupted, whose accounts balance. Returns what it sent.
   */
  private static long interruptedRun(Scripts scripts, Path out) throws Exception {
    Scripts.Running driver = scripts.start("driver", "--rate", "150", "--duration", "2m", "--warmup", "0s", "--out", out.toString());
    try {
      driver.awaitSecondsOfLoad(3, Duration.ofMinutes(1));
      driver.process().destroy(); // SIGTERM
      assertTrue(driver.process().waitFor(60, TimeUnit.SECONDS), "the interrupted driver exits:\n" + driver.outputSoFar());
    } finally {
      driver.process().destroyForcibly();
    }
    assertTrue(driver.outputSoFar().contains("interrupted"), driver.outputSoFar());
    // Remoting stays up until the driver has left: had it closed at the signal (Artery's own
    // shutdown hook does, unless ours is registered with coordinated shutdown), the answers on
    // their way would be lost and the driver would lose sight of every node.
    assertFalse(driver.outputSoFar().contains("UNREACHABLE"), "the interrupted driver leaves gracefully:\n" + driver.outputSoFar());
    assertFalse(driver.outputSoFar().contains("timed out after"), "no shutdown phase times out:\n" + driver.outputSoFar());
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertTrue(summary.get("interrupted").asBoolean(), summary.toString());
    long sent = summary.get("sent").asLong();
    assertTrue(sent > 0 && sent < 150 * 20, "stopped early: " + summary);
    assertEquals(sent, summary.get("ok").asLong() + summary.get("failed").asLong() + summary.get("timeouts").asLong(), summary.toString());
    return sent;
  }

  private static JsonNode lastLine(Path metrics, String kind) throws IOException {
    JsonNode last = null;
    for (String line : Files.readAllLines(metrics)) {
      JsonNode node = JSON.readTree(line);
      for (String field : List.of("ts", "node", "component", "kind")) {
        assertTrue(node.has(field), "every metrics line has " + field + ": " + line);
      }
      if (node.get("kind").asText().equals(kind)) {
        last = node;
      }
    }
    assertTrue(last != null, "no " + kind + " line in " + metrics);
    return last;
  }

  private static int intervalsWithData(Path log) throws IOException {
    int intervals = 0;
    try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
      for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram()) {
        if (((org.HdrHistogram.Histogram) h).getTotalCount() > 0) {
          intervals++;
        }
      }
    }
    return intervals;
  }
}
