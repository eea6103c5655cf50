package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app server's JVM is killed (SIGKILL, no goodbye) in the middle of a load run. The requests it
 * held must come back failed with a reason or timed out, never vanish: the driver's accounts
 * still balance, and the rest of the cluster goes on serving.
 */
class NodeLossIT {

  @TempDir Path dir;

  @Test
  void requestsOnAKilledAppServerFailOrTimeOutAndNoneVanish() throws Exception {
    Scripts scripts = new Scripts(dir.resolve("runs"));
    Path scenario = Scripts.defaultScenarioOnFreePorts(dir);
    Scripts.Running driver = null;
    try {
      Scripts.Result up = scripts.run(Duration.ofMinutes(3), "cluster", "up", scenario.toString());
      assertEquals(0, up.exitCode(), up.output());
      Path run = dir.resolve("runs/latest").toRealPath();

      Scripts.Running load =
          scripts.start("driver", "--rate", "200", "--duration", "12s", "--warmup", "0s", "--timeout", "3s");
      driver = load;
      // Kill app-2 once load is flowing through it: its node's metrics log shows requests it
      // received (a line a second). Waited for with a deadline, not guessed with a sleep.
      Path app2Metrics = run.resolve("metrics/app-2.jsonl");
      Await.until(
          Duration.ofSeconds(120),
          () -> {
            if (!load.process().isAlive()) {
              throw new AssertionError("the driver ended before load reached app-2:\n" + outputOf(load));
            }
            return receivedBy(app2Metrics, "app-2") >= 50;
          },
          () -> "app-2 to receive 50 requests (it has " + receivedBy(app2Metrics, "app-2") + "):\n" + outputOf(load));
      long pid = Long.parseLong(Files.readString(run.resolve("pids/app-2.pid")).trim());
      ProcessHandle victim = ProcessHandle.of(pid).orElseThrow();
      assertTrue(load.process().isAlive(), "the load still runs when app-2 is killed");
      assertTrue(victim.destroyForcibly(), "SIGKILL sent");
      victim.onExit().get(10, TimeUnit.SECONDS);

      assertTrue(load.process().waitFor(4, TimeUnit.MINUTES), "the driver finished:\n" + outputOf(load));
      assertEquals(0, load.process().exitValue(), outputOf(load));
      JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
      System.out.println("summary after killing app-2: " + summary);
      long sent = summary.get("sent").asLong();
      long ok = summary.get("ok").asLong();
      long failed = summary.get("failed").asLong();
      long timeouts = summary.get("timeouts").asLong();
      assertEquals(sent, ok + failed + timeouts, "every request accounted for: " + summary);
      // The dispatcher goes on routing to app-2 until it learns of the loss, then fails what app-2
      // held as lost: those answered within the 3 s timeout come back failed, with that reason
      // and no other; those answered later have timed out (and count as late replies).
      assertTrue(failed > 0, "requests held by the killed server came back failed: " + summary);
      assertEquals(Map.of("app-server-lost", failed), failedByReason(summary), summary.toString());
      assertTrue(ok > sent / 2, "the surviving app server kept serving: " + summary);
      Scripts.Result down = scripts.run(Duration.ofMinutes(2), "cluster", "down");
      System.out.println(down.output());
      assertEquals(0, down.exitCode(), down.output());
    } finally {
      if (driver != null && driver.process().isAlive()) {
        driver.process().descendants().forEach(ProcessHandle::destroyForcibly);
        driver.process().destroyForcibly();
      }
      if (!scripts.livePids().isEmpty()) {
        scripts.run(Duration.ofMinutes(1), "cluster", "down");
      }
      scripts.killLeftovers();
    }
  }

  /** The requests {@code component} had received by the last complete line of a node's metrics log (0 before any). */
  private static long receivedBy(Path metricsLog, String component) {
    long received = 0;
    try {
      if (!Files.isRegularFile(metricsLog)) {
        return 0;
      }
      ObjectMapper json = new ObjectMapper();
      for (String line : Files.readAllLines(metricsLog)) {
        try {
          JsonNode sample = json.readTree(line);
          if (component.equals(sample.path("component").asText())) {
            received = Math.max(received, sample.path("received").asLong());
          }
        } catch (IOException halfWritten) {
          // the line being written: the next poll reads it whole
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return received;
  }

  private static Map<String, Long> failedByReason(JsonNode summary) {
    Map<String, Long> reasons = new TreeMap<>();
    summary.get("failed_by_reason").fields().forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asLong()));
    return reasons;
  }

  private static String outputOf(Scripts.Running process) {
    try {
      return process.outputSoFar();
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }
}
