package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
    try {
      Scripts.Result up = scripts.run(Duration.ofMinutes(3), "cluster", "up", scenario.toString());
      assertEquals(0, up.exitCode(), up.output());
      Path run = dir.resolve("runs/latest").toRealPath();

      CompletableFuture<Scripts.Result> driver =
          CompletableFuture.supplyAsync(
              () -> scripts.run(Duration.ofMinutes(3), "driver", "--rate", "200", "--duration", "12s", "--warmup", "0s", "--timeout", "3s"));
      // Kill app-2 once load is flowing (the driver needs a few seconds to start and join).
      Thread.sleep(8_000);
      long pid = Long.parseLong(Files.readString(run.resolve("pids/app-2.pid")).trim());
      ProcessHandle victim = ProcessHandle.of(pid).orElseThrow();
      assertTrue(victim.destroyForcibly(), "SIGKILL sent");
      victim.onExit().get(10, TimeUnit.SECONDS);

      Scripts.Result result = driver.get(4, TimeUnit.MINUTES);
      assertEquals(0, result.exitCode(), result.output());
      JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
      System.out.println("summary after killing app-2: " + summary);
      long sent = summary.get("sent").asLong();
      long ok = summary.get("ok").asLong();
      long failed = summary.get("failed").asLong();
      long timeouts = summary.get("timeouts").asLong();
      assertEquals(sent, ok + failed + timeouts, "every request accounted for: " + summary);
      assertTrue(failed + timeouts > 0, "requests held by the killed server did not succeed: " + summary);
      if (failed > 0) {
        assertTrue(summary.get("failed_by_reason").has("app-server-lost"), summary.toString());
      }
      assertTrue(ok > sent / 2, "the surviving app server kept serving: " + summary);
      Scripts.Result down = scripts.run(Duration.ofMinutes(2), "cluster", "down");
      System.out.println(down.output());
      assertEquals(0, down.exitCode(), down.output());
    } finally {
      if (!scripts.livePids().isEmpty()) {
        scripts.run(Duration.ofMinutes(1), "cluster", "down");
      }
      scripts.killLeftovers();
    }
  }
}
