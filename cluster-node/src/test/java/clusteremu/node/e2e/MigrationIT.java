package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.control.ControlClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration across real JVMs under load, driven by the project's scripts: the data server's
 * VM moves from its row to another node's host with pre-copy while the driver reads and writes,
 * and every request is answered, no read returns less than an acknowledged write, and the
 * destination's pages are verified; then it moves back cold (weak mobility) and the driver sees
 * the loss as stale reads. Post-copy and hybrid move it live too, faulting on the pages it
 * touches; a post-copy whose source JVM is killed leaves the VM lost, written by the destination. Bad and impossible requests are refused, naming why, and change
 * nothing; a cancelled migration leaves the VM where it was; and one whose destination JVM is
 * killed fails, with the VM still at its source.
 */
class MigrationIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /**
   * config/datacenter.conf on free ports, a smaller data VM, and a host too small for an app
   * server. The control API is on rack-a1, the one node the test never kills (by default it is on
   * the first seed node, which depends on the free ports drawn).
   */
  private int controlPort;

  private Path scenario() throws IOException {
    int[] ports = {Scripts.freePort(), Scripts.freePort(), Scripts.freePort(), Scripts.freePort()};
    controlPort = ports[3];
    String text =
        """
        include file("%s")
        clusteremu.nodes.rack-a1.port = %d
        clusteremu.nodes.rack-a2.port = %d
        clusteremu.nodes.rack-b1.port = %d
        clusteremu.control.port = %d
        clusteremu.control.node = rack-a1
        clusteremu.datacenter.rows.row-b.racks.b1.hosts.tiny { cores = 1, memory = 8GiB }
        clusteremu.datacenter.vms.data-1.memory = 512MiB
        clusteremu.datacenter.rows.row-b.racks.b1.hosts.b1-h2 { cores = 8, memory = 16GiB }
        clusteremu.datacenter.vms.app-1.memory = 256MiB
        clusteremu.datacenter.vms.app-2.memory = 256MiB
        clusteremu.datacenter.links.host.bandwidth = 1Gbit
        clusteremu.datacenter.vms.spare { host = a1-h1, memory = 64MiB }
        """
            .formatted(Scripts.ROOT.resolve("config/datacenter.conf"), ports[0], ports[1], ports[2], ports[3]);
    Path file = dir.resolve("migration-it.conf");
    Files.writeString(file, text);
    return file;
  }

  private static JsonNode summary(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  @Test
  void aDataServerMovesLiveWithItsDataAndColdWithoutIt() throws Exception {
    Scripts scripts = new Scripts(dir.resolve("runs"));
    Path scenario = scenario();
    scripts.withCluster(60, () -> {
      Scripts.Result up = scripts.run(Duration.ofMinutes(3), "cluster", "up", scenario.toString());
      assertEquals(0, up.exitCode(), up.output());
      Path run = dir.resolve("runs/latest").toRealPath();

      // Refused before anything moves, exit 1 with the reason; bad input exit 2 naming the field.
      Scripts.Result noRoom = scripts.run(Duration.ofMinutes(1), "migrate", "app-1", "tiny");
      assertEquals(1, noRoom.exitCode(), noRoom.output());
      assertTrue(noRoom.output().contains("host tiny has 1 cores free, VM app-1 needs 2"), noRoom.output());
      Scripts.Result noHost = scripts.run(Duration.ofMinutes(1), "migrate", "data-1", "nowhere");
      assertEquals(2, noHost.exitCode(), noHost.output());
      assertTrue(noHost.output().contains("to: no host 'nowhere'"), noHost.output());
      Scripts.Result sameHost = scripts.run(Duration.ofMinutes(1), "migrate", "data-1", "b1-h1");
      assertEquals(2, sameHost.exitCode(), sameHost.output());
      assertTrue(sameHost.output().contains("already runs on host b1-h1"), sameHost.output());

      // Pre-copy under load: nothing lost, no stale read, the pages verified.
      Scripts.Running load = scripts.start("driver", "--rate", "100", "--duration", "30s", "--warmup", "0s", "--keys", "50", "--out", run.resolve("live").toString());
      load.awaitSecondsOfLoad(2, Duration.ofMinutes(1)); // the driver has joined and load flows
      // Out, back while its old incarnation there still forwards, and out again: pre-copy, post-copy, hybrid.
      for (String[] move : List.of(new String[] {"a2-h1", "precopy"}, new String[] {"b1-h1", "postcopy"}, new String[] {"a2-h1", "hybrid"})) {
        Scripts.Result live =
            scripts.run(Duration.ofMinutes(2), "migrate", "data-1", move[0], "--strategy", move[1], "--max-rounds", "3", "--bandwidth", "1Gbit", "--wait");
        System.out.println(live.output());
        assertEquals(0, live.exitCode(), live.output());
        assertTrue(live.output().contains("completed") && live.output().contains(" verified"), live.output());
      }
      awaitEnd(load);
      JsonNode during = summary(run.resolve("live/summary.json"));
      System.out.println("during the live migration: " + during);
      assertEquals(during.get("sent").asLong(), during.get("ok").asLong(), "every request answered ok: " + during);
      assertEquals(0, during.get("stale_reads").asLong(), "strong mobility: no read older than an acknowledged write");

      // Cold, back to its first host: a fresh data server, so reads of earlier writes come back older.
      Scripts.Running coldLoad = scripts.start("driver", "--rate", "100", "--duration", "20s", "--warmup", "0s", "--keys", "50", "--out", run.resolve("cold").toString());
      coldLoad.awaitSecondsOfLoad(6, Duration.ofMinutes(1)); // writes to read back older after the move
      Scripts.Result cold = scripts.run(Duration.ofMinutes(2), "migrate", "data-1", "b1-h1", "--strategy", "cold", "--wait");
      System.out.println(cold.output());
      assertEquals(0, cold.exitCode(), cold.output());
      assertTrue(cold.output().contains("NOT verified"), cold.output());
      awaitEnd(coldLoad);
      JsonNode after = summary(run.resolve("cold/summary.json"));
      System.out.println("across the cold migration: " + after);
      try (var logs = Files.list(run.resolve("logs"))) {
        logs.forEach(
            log -> {
              try {
                Files.readAllLines(log).stream().filter(l -> l.contains("WARN") || l.contains("ERROR")).limit(20).forEach(l -> System.out.println(log.getFileName() + ": " + l));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
      }
      assertEquals(after.get("sent").asLong(), after.get("ok").asLong() + after.get("failed").asLong() + after.get("timeouts").asLong());
      assertTrue(after.get("stale_reads").asLong() > 0, "weak mobility loses the data: " + after);
      assertEquals(after.get("sent").asLong(), after.get("ok").asLong(), "and only the data: every request answered ok: " + after);

      // A slow pre-copy, cancelled before its guest pauses: the VM stays where it is.
      Scripts.Result slow = scripts.run(Duration.ofMinutes(1), "migrate", "data-1", "a2-h1", "--bandwidth", "50Mbit");
      assertEquals(0, slow.exitCode(), slow.output());
      String id = slow.output().lines().filter(l -> l.startsWith("migration ")).findFirst().orElseThrow().split("[ :]")[1];
      awaitCopying(id);
      Scripts.Result cancelled = scripts.run(Duration.ofMinutes(1), "migrate", "--cancel", id);
      assertEquals(0, cancelled.exitCode(), cancelled.output());
      Scripts.Result again = scripts.run(Duration.ofMinutes(1), "migrate", "--cancel", id);
      assertEquals(1, again.exitCode(), "a migration that has ended cannot be cancelled: " + again.output());
      JsonNode vms = JSON.readTree(java.net.URI.create("http://127.0.0.1:" + controlPort + "/vms").toURL());
      for (JsonNode vm : vms) {
        if (vm.get("vm").asText().equals("data-1")) {
          assertEquals("b1-h1", vm.get("host").asText(), "the cancelled migration left the VM where it was: " + vms);
        }
      }

      List<JsonNode> lines = Files.readAllLines(run.resolve("migrations.jsonl")).stream().map(MigrationIT::parse).toList();
      List<JsonNode> migrations = lines.stream().filter(l -> l.get("kind").asText().equals("migration")).toList();
      assertEquals(5, migrations.size(), lines.toString());
      assertEquals("cancelled", migrations.get(4).get("status").asText(), lines.toString());
      assertEquals("precopy", migrations.get(0).get("strategy").asText());
      assertTrue(migrations.get(0).get("verified").asBoolean());
      assertTrue(migrations.get(0).get("downtime_ms").asDouble() > 0);
      JsonNode postcopy = migrations.get(1);
      assertEquals("postcopy", postcopy.get("strategy").asText());
      assertTrue(postcopy.get("verified").asBoolean(), postcopy.toString());
      assertTrue(postcopy.get("postcopy_faults").asLong() > 0, "the data server faulted on pages it touched: " + postcopy);
      assertTrue(postcopy.get("postcopy_pages_on_demand").asLong() > 0, "and the source sent them on demand: " + postcopy);
      double meanWait = postcopy.get("postcopy_fault_wait_ms").asDouble() / postcopy.get("postcopy_faults").asLong();
      // Waiting for the push would average half of it; on demand a fault waits a round trip, a
      // page, and the real work of both nodes, whose threads the push keeps busy: on a slow day
      // of this machine 149 and 175 ms, against pushes of 4.9 s. So the bound is a tenth of the
      // push (half of it would mean waiting for it), not a fixed time.
      double pushMs = postcopy.get("total_ms").asDouble();
      assertTrue(meanWait < pushMs / 10, "a fault waits a round trip and a page, not for the push (" + pushMs + " ms): " + meanWait);
      assertTrue(postcopy.get("downtime_ms").asDouble() < postcopy.get("total_ms").asDouble() / 4, "post-copy's downtime is a small part: " + postcopy);
      assertEquals("hybrid", migrations.get(2).get("strategy").asText());
      assertTrue(migrations.get(2).get("verified").asBoolean(), migrations.get(2).toString());
      assertEquals("cold", migrations.get(3).get("strategy").asText());
      assertTrue(lines.stream().anyMatch(l -> l.get("kind").asText().equals("round")), "pre-copy wrote its rounds");
      Scripts.Result listed = scripts.run(Duration.ofMinutes(1), "migrate", "--list");
      assertEquals(0, listed.exitCode(), listed.output());
      assertTrue(listed.output().contains("precopy") && listed.output().contains("cold") && listed.output().contains("cancelled"), listed.output());

      // Two migrations from two node JVMs into one host share its 1 Gbit/s link: each takes about
      // twice as long as one alone (the nodes tell each other their flows on each link).
      ControlClient api = new ControlClient(controlPort, run);
      JsonNode spare = awaitEnd(api, start(api, "spare", "b1-h2")); // a VM without a guest moves too
      assertTrue(spare.get("verified").asBoolean(), spare.toString());
      double aloneMs = copyMs(awaitEnd(api, start(api, "app-1", "b1-h2")));
      awaitEnd(api, start(api, "app-1", "a1-h2"));
      String first = start(api, "app-1", "b1-h2"); // from rack-a1
      String second = start(api, "app-2", "b1-h2"); // from rack-a2, a few ms later
      double firstMs = copyMs(awaitEnd(api, first));
      double secondMs = copyMs(awaitEnd(api, second));
      System.out.printf("into b1-h2 at 1 Gbit/s: alone %.0f ms; from rack-a1 and rack-a2 at once %.0f and %.0f ms%n", aloneMs, firstMs, secondMs);
      assertEquals(2.0, Math.max(firstMs, secondMs) / aloneMs, 0.35, "the later of the two took twice as long as one alone");
      assertTrue(Math.min(firstMs, secondMs) / aloneMs > 1.5, "and so, nearly, did the other: they shared the link throughout");

      // The destination's JVM dies during a slow pre-copy: the migration fails, and the VM serves on at its source.
      Scripts.Result doomed = scripts.run(Duration.ofMinutes(1), "migrate", "data-1", "a2-h1", "--bandwidth", "50Mbit");
      assertEquals(0, doomed.exitCode(), doomed.output());
      String doomedId = doomed.output().lines().filter(l -> l.startsWith("migration ")).findFirst().orElseThrow().split("[ :]")[1];
      ProcessHandle destination = ProcessHandle.of(Long.parseLong(Files.readString(run.resolve("pids/rack-a2.pid")).trim())).orElseThrow();
      assertTrue(destination.destroyForcibly(), "SIGKILL sent");
      destination.onExit().get(10, TimeUnit.SECONDS);
      JsonNode outcome = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        outcome = JSON.readTree(java.net.URI.create("http://127.0.0.1:" + controlPort + "/migrations/" + doomedId).toURL());
        if (!outcome.get("status").asText().equals("active") && !outcome.get("status").asText().equals("setup")) {
          break;
        }
        Thread.sleep(500);
      }
      System.out.println("with the destination killed: " + outcome);
      assertEquals("failed", outcome.get("status").asText(), outcome.toString());
      assertTrue(outcome.get("reason").asText().contains("rack-a2"), outcome.toString());
      JsonNode vmsNow = JSON.readTree(java.net.URI.create("http://127.0.0.1:" + controlPort + "/vms").toURL());
      for (JsonNode vm : vmsNow) {
        if (vm.get("vm").asText().equals("data-1")) {
          assertEquals("b1-h1", vm.get("host").asText(), "the VM stayed at its source: " + vmsNow);
        }
      }

      // The source's JVM dies during a slow post-copy: the VM is lost, and the destination says so.
      Scripts.Result split = scripts.run(Duration.ofMinutes(1), "migrate", "data-1", "a1-h2", "--strategy", "postcopy", "--bandwidth", "50Mbit");
      assertEquals(0, split.exitCode(), split.output());
      String splitId = split.output().lines().filter(l -> l.startsWith("migration ")).findFirst().orElseThrow().split("[ :]")[1];
      awaitStatus(splitId, "postcopy");
      ProcessHandle source = ProcessHandle.of(Long.parseLong(Files.readString(run.resolve("pids/rack-b1.pid")).trim())).orElseThrow();
      assertTrue(source.destroyForcibly(), "SIGKILL sent");
      source.onExit().get(10, TimeUnit.SECONDS);
      JsonNode lost = null;
      long lostBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (lost == null && System.nanoTime() < lostBy) {
        lost =
            Files.readAllLines(run.resolve("migrations.jsonl")).stream()
                .map(MigrationIT::parse)
                .filter(l -> l.get("id").asText().equals(splitId) && l.get("status").asText().equals("lost"))
                .findFirst()
                .orElse(null);
        Thread.sleep(500);
      }
      System.out.println("with the source killed during post-copy: " + lost);
      assertTrue(lost != null, "the destination wrote the VM lost");
      assertEquals("destination", lost.get("reported_by").asText());
      assertTrue(lost.get("missing_pages").asLong() > 0, lost.toString());

      Scripts.Result down = scripts.run(Duration.ofMinutes(2), "cluster", "down");
      System.out.println(down.output());
    });
  }

  /** Starts moving {@code vm} to {@code to} through the control API, capped at 10 Gbit/s (the links are narrower); its id. */
  private static String start(ControlClient api, String vm, String to) throws Exception {
    ControlClient.Answer answer = api.post("/migrations", JSON.createObjectNode().put("vm", vm).put("to", to).put("bandwidth", "10Gbit"));
    assertEquals(201, answer.status(), answer.body().toString());
    return answer.body().get("id").asText();
  }

  /** How long a migration copied: its total without the setup (the destination holding room). */
  private static double copyMs(JsonNode migration) {
    return migration.get("total_ms").asDouble() - migration.get("setup_ms").asDouble();
  }

  /** The migration's last state, once it has ended (within 2 minutes), completed. */
  private static JsonNode awaitEnd(ControlClient api, String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonNode now = null;
    while (System.nanoTime() < deadline) {
      now = api.get("/migrations/" + id).body();
      if (ControlClient.ended(now.get("status").asText())) {
        assertEquals("completed", now.get("status").asText(), now.toString());
        return now;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("migration " + id + " did not end within 2 minutes: " + now);
  }

  /** The driver's end (within 3 minutes), successful. */
  private static void awaitEnd(Scripts.Running driver) throws Exception {
    try {
      assertTrue(driver.process().waitFor(3, TimeUnit.MINUTES), "the driver ends:\n" + driver.outputSoFar());
    } finally {
      driver.process().destroyForcibly();
    }
    assertEquals(0, driver.process().exitValue(), driver.outputSoFar());
  }

  /** Until the migration has copied pages: a cancel then stops a copy under way, not its setup. */
  private void awaitCopying(String id) throws Exception {
    awaitMigration(id, now -> now.get("status").asText().equals("active") && now.get("pages").asLong() > 0, "copied pages");
  }

  private void awaitStatus(String id, String status) throws Exception {
    awaitMigration(id, now -> now.get("status").asText().equals(status), "reached " + status);
  }

  /** Until the control API shows migration {@code id} as {@code reached} says (within 30 s). */
  private void awaitMigration(String id, java.util.function.Predicate<JsonNode> reached, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode now = null;
    while (System.nanoTime() < deadline) {
      now = JSON.readTree(java.net.URI.create("http://127.0.0.1:" + controlPort + "/migrations/" + id).toURL());
      if (reached.test(now)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("migration " + id + " never " + what + " within 30 s: " + now);
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
