package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected with {@code scripts/fault} into a cluster under load, with the dispatcher's
 * server timeout and retries on: an app server is frozen, then killed, then restarted. Reads are
 * retried on the other app server, so no request times out at the driver and the only failures are
 * writes (not retried by default) with the reason the dispatcher saw; the books balance; the
 * status shows the killed node as the cluster sees it; the restarted node serves again.
 */
class FaultIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void anAppServerFrozenKilledAndRestartedUnderLoadLosesNoRead() throws Exception {
    Scripts scripts = new Scripts(dir.resolve("runs"));
    Path scenario =
        Scripts.defaultScenarioOnFreePorts(
            dir,
            "clusteremu.control.port = " + Scripts.freePort(),
            // The API's node carries out the faults and is never broken by them; by default it is
            // the first seed node, which depends on the free ports drawn.
            "clusteremu.control.node = dispatcher-1",
            // The node restarted is the one every other joined through: started again, it must
            // join the running cluster, not found one of its own (seen in CI when app-2 drew the
            // lowest port and so was the first seed node).
            "clusteremu.seed-nodes = [app-2]",
            "clusteremu.dispatcher { server-timeout = 1s, retries = 2 }");
    scripts.withCluster(30, () -> {
      Scripts.Result up = scripts.run(Duration.ofMinutes(3), "cluster", "up", scenario.toString());
      assertEquals(0, up.exitCode(), up.output());
      Path run = dir.resolve("runs/latest").toRealPath();

      // Long enough for the faults on a slow day; stopped once they are checked (stopDriver).
      Scripts.Running driver = scripts.start("driver", "--rate", "100", "--duration", "2m", "--warmup", "0s", "--timeout", "5s");
      waitFor("the dispatcher to complete 200 requests", Duration.ofMinutes(1), () -> lastMetric(run, "dispatcher-1", "completed") >= 200);

      Scripts.Result freeze = scripts.run(Duration.ofMinutes(1), "fault", "freeze", "app-2", "4s");
      assertEquals(0, freeze.exitCode(), freeze.output());
      assertTrue(freeze.output().contains("freeze app-2 for 4.0 s"), freeze.output());
      waitFor("app-2 to be thawed", Duration.ofSeconds(30), () -> faults(run).contains("thaw"));

      Scripts.Result kill = scripts.run(Duration.ofMinutes(1), "fault", "kill", "app-2");
      assertEquals(0, kill.exitCode(), kill.output());
      waitFor(
          "the cluster to see app-2 unreachable or gone",
          Duration.ofMinutes(1),
          () -> {
            String row = statusRow(scripts, "app-2");
            return row.contains("not running") && (row.contains("Unreachable") || row.contains("Down") || row.contains("removed"));
          });
      Scripts.Result again = scripts.run(Duration.ofMinutes(1), "fault", "kill", "app-2");
      assertEquals(1, again.exitCode(), again.output());
      assertTrue(again.output().contains("app-2 is not running"), again.output());

      long restartedAt = System.currentTimeMillis();
      Scripts.Result restart = scripts.run(Duration.ofMinutes(1), "fault", "restart", "app-2");
      assertEquals(0, restart.exitCode(), restart.output());
      waitFor(
          "the restarted app-2 to serve requests",
          Duration.ofMinutes(2),
          () -> lastLine(run, "app-2").map(l -> l.path("ts").asLong() > restartedAt && l.path("completed").asLong() > 0).orElse(false));
      driver.awaitSecondsOfLoad(driver.secondsOfLoad() + 5, Duration.ofMinutes(1)); // the cluster carries on with app-2 back

      JsonNode summary = stopDriver(driver, run);
      long sent = summary.get("sent").asLong();
      long ok = summary.get("ok").asLong();
      assertEquals(0, summary.get("timeouts").asLong(), "the dispatcher answered every request before the driver's timeout: " + summary);
      assertEquals(summary.get("not_sent").asLong(), summary.path("not_sent_by_reason").path("interrupted").asLong(), "nothing held back but at the stop: " + summary);
      List<String> reasons = new ArrayList<>();
      summary.get("failed_by_reason").fieldNames().forEachRemaining(reasons::add);
      assertTrue(Set.of("app-server-lost", "app-server-timeout", "interrupted").containsAll(reasons), "only the app server's faults fail requests: " + reasons);
      assertTrue(ok >= sent * 8 / 10, "reads were retried on app-1, so at least the reads succeed: " + summary);
      assertTrue(lastMetric(run, "dispatcher-1", "retried") > 0, "the dispatcher retried reads");
      assertEquals(List.of("freeze", "thaw", "kill", "restart"), faults(run));

      Scripts.Result status = scripts.run(Duration.ofMinutes(1), "cluster", "status");
      assertEquals(0, status.exitCode(), "every node running and Up after the restart:\n" + status.output());
      Scripts.Result down = scripts.run(Duration.ofMinutes(2), "cluster", "down");
      assertEquals(0, down.exitCode(), down.output());
    });
  }

  /**
   * Replication 2 over two data servers; the JVM of one is killed under a write-heavy load and
   * started again. No acknowledged write is lost (no stale read), its keys are served by the
   * backup within 10 s of the kill, and the restarted server takes its keys back before it serves.
   */
  @Test
  void killingADataServerWithReplicationLosesNoAcknowledgedWrite() throws Exception {
    Scripts scripts = new Scripts(dir.resolve("runs"));
    Path scenario =
        Scripts.defaultScenarioOnFreePorts(
            dir,
            "clusteremu.control.port = " + Scripts.freePort(),
            // The API's node carries out the faults and is never broken by them; by default it is
            // the first seed node, which depends on the free ports drawn.
            "clusteremu.control.node = dispatcher-1",
            "clusteremu.nodes.data-2 { port = " + Scripts.freePort() + ", components = [data-server] }",
            "clusteremu.data-server.replication = 2");
    scripts.withCluster(30, () -> {
      Scripts.Result up = scripts.run(Duration.ofMinutes(3), "cluster", "up", scenario.toString());
      assertEquals(0, up.exitCode(), up.output());
      Path run = dir.resolve("runs/latest").toRealPath();

      Scripts.Running driver =
          scripts.start("driver", "--rate", "100", "--read-ratio", "0.5", "--keys", "500", "--duration", "2m", "--warmup", "0s", "--timeout", "5s");
      waitFor("data-1 to complete 300 accesses", Duration.ofMinutes(1), () -> lastMetric(run, "data-1", "completed") >= 300);
      Scripts.Result kill = scripts.run(Duration.ofMinutes(1), "fault", "kill", "data-1");
      assertEquals(0, kill.exitCode(), kill.output());
      long killedAt = faultTimes(run).get(0);

      long restartAfter = killedAt + 15_000;
      waitFor("15 s after the kill", Duration.ofSeconds(30), () -> System.currentTimeMillis() >= restartAfter);
      Scripts.Result restart = scripts.run(Duration.ofMinutes(1), "fault", "restart", "data-1");
      assertEquals(0, restart.exitCode(), restart.output());
      waitFor("the restarted data-1 to recover its keys", Duration.ofMinutes(2), () -> logContains(run, "data-1", "recovered"));
      // Reads and writes go on with data-1 back: a write it lost while down must not be read stale.
      driver.awaitSecondsOfLoad(driver.secondsOfLoad() + 5, Duration.ofMinutes(1));

      JsonNode summary = stopDriver(driver, run);
      String output = beforeTheStop(driver.outputSoFar());
      assertEquals(0, summary.get("stale_reads").asLong(), "no acknowledged write lost: " + summary);
      assertEquals(0, summary.get("timeouts").asLong(), summary.toString());
      List<String> reasons = new ArrayList<>();
      summary.get("failed_by_reason").fieldNames().forEachRemaining(reasons::add);
      assertTrue(Set.of("data-timeout", "data-server-lost", "data-unavailable", "replica-timeout", "interrupted").containsAll(reasons), "only the lost data server's calls fail: " + reasons);
      // The last second with a new failure, counted from the start of the load, against the kill's.
      long lastFailure = lastSecondWithNewFailures(output);
      long killSecond = (killedAt - summary.get("measured_from").asLong()) / 1000;
      System.out.println("kill at second " + killSecond + ", last new failure at second " + lastFailure);
      assertTrue(lastFailure <= killSecond + 10, "the keys were served again within 10 s of the kill: last failure at " + lastFailure + " s, kill at " + killSecond + " s");
      Scripts.Result down = scripts.run(Duration.ofMinutes(2), "cluster", "down");
      assertEquals(0, down.exitCode(), down.output());
    });
  }

  /**
   * config/datacenter.conf (the app servers in row a, the data server in row b) under load: the
   * rows are cut apart, then joined by a slow link (20 ms more each way), then healed. While cut,
   * data calls are lost and fail at the app servers' data timeout, and the nodes count what they
   * lost; over the slow link a data call's round trip takes 40 ms more; once healed, nothing fails.
   * Then app-2's host crashes (app-2 is gone from placement; what it held fails as
   * app-server-lost) and recovers (app-2 is placed there again and serves).
   */
  @Test
  void rowsCutThenSlowedThenHealedThenAHostCrashesAndRecovers() throws Exception {
    Scripts scripts = new Scripts(dir.resolve("runs"));
    int[] ports = {Scripts.freePort(), Scripts.freePort(), Scripts.freePort(), Scripts.freePort()};
    Path scenario = dir.resolve("cut-it.conf");
    Files.writeString(
        scenario,
        """
        include file("%s")
        clusteremu.nodes.rack-a1.port = %d
        clusteremu.nodes.rack-a2.port = %d
        clusteremu.nodes.rack-b1.port = %d
        clusteremu.control.port = %d
        clusteremu.control.node = rack-a1
        clusteremu.datacenter.vms.data-1.memory = 512MiB
        """
            .formatted(Scripts.ROOT.resolve("config/datacenter.conf"), ports[0], ports[1], ports[2], ports[3]));
    scripts.withCluster(30, () -> {
      Scripts.Result up = scripts.run(Duration.ofMinutes(3), "cluster", "up", scenario.toString());
      assertEquals(0, up.exitCode(), up.output());
      Path run = dir.resolve("runs/latest").toRealPath();
      // Long enough for the faults on a slow day; stopped once they are checked (stopDriver).
      Scripts.Running driver = scripts.start("driver", "--rate", "100", "--duration", "2m", "--warmup", "0s", "--timeout", "5s");
      waitFor("the data server to complete 200 accesses", Duration.ofMinutes(1), () -> lastMetric(run, "rack-b1", "completed") >= 200);

      Scripts.Result cut = scripts.run(Duration.ofMinutes(1), "fault", "cut", "row-a", "row-b");
      assertEquals(0, cut.exitCode(), cut.output());
      assertTrue(cut.output().contains("cut row-a ~ row-b (sent to 3 nodes)"), cut.output());
      waitFor("the nodes of row a to lose data calls", Duration.ofSeconds(30), () -> lostOnPaths(run, "rack-a1") + lostOnPaths(run, "rack-a2") >= 50);

      Scripts.Result slow = scripts.run(Duration.ofMinutes(1), "fault", "link", "row-a", "row-b", "--latency", "20ms");
      assertEquals(0, slow.exitCode(), slow.output());
      long slowFrom = System.currentTimeMillis();
      waitFor("6 s over the slow link", Duration.ofSeconds(30), () -> System.currentTimeMillis() - slowFrom >= 6_000);
      Scripts.Result heal = scripts.run(Duration.ofMinutes(1), "fault", "heal", "row-a", "row-b");
      assertEquals(0, heal.exitCode(), heal.output());
      long healedAt = System.currentTimeMillis();
      Scripts.Result again = scripts.run(Duration.ofMinutes(1), "fault", "heal", "row-a", "row-b");
      assertEquals(1, again.exitCode(), again.output());
      assertTrue(again.output().contains("nothing is broken between row-a and row-b"), again.output());

      waitFor("3 s after the heal", Duration.ofSeconds(30), () -> System.currentTimeMillis() - healedAt >= 3_000);
      Scripts.Result crash = scripts.run(Duration.ofMinutes(1), "fault", "crash-host", "a2-h1");
      assertEquals(0, crash.exitCode(), crash.output());
      assertTrue(crash.output().contains("crash-host a2-h1 (VMs [\"app-2\"] on node rack-a2)"), crash.output());
      waitFor("app-2 to be gone from placement", Duration.ofSeconds(30), () -> hostOfVm(ports[3], "app-2").equals("null"));
      long crashedAt = System.currentTimeMillis();
      waitFor("5 s with a2-h1 down", Duration.ofSeconds(30), () -> System.currentTimeMillis() - crashedAt >= 5_000);
      long servedBefore = lastMetric(run, "rack-a1", "completed");
      Scripts.Result recover = scripts.run(Duration.ofMinutes(1), "fault", "recover-host", "a2-h1");
      assertEquals(0, recover.exitCode(), recover.output());
      waitFor("app-2 to be placed on a2-h1 again", Duration.ofSeconds(30), () -> hostOfVm(ports[3], "app-2").equals("a2-h1"));
      waitFor("the recovered app-2 to serve", Duration.ofMinutes(1), () -> lastMetric(run, "rack-a2", "completed") > 0 && lastLine(run, "rack-a2").map(l -> l.path("ts").asLong() > crashedAt).orElse(false));
      assertTrue(servedBefore > 0);

      // The data calls' median round trip, per second, of the app servers while the link was slow.
      List<Double> slowRoundTrips = new ArrayList<>();
      for (String node : List.of("rack-a1", "rack-a2")) {
        for (String line : Files.readAllLines(run.resolve("metrics").resolve(node + ".jsonl"))) {
          JsonNode m = JSON.readTree(line);
          if (m.path("kind").asText().equals("app-server") && m.path("ts").asLong() > slowFrom + 2_000 && m.path("ts").asLong() < healedAt && m.path("data_calls").asLong() > 0) {
            slowRoundTrips.add(m.path("data_call_p50_ms").asDouble());
          }
        }
      }
      System.out.println("data-call p50 over the slow link, per second: " + slowRoundTrips);
      if (slowRoundTrips.isEmpty()) {
        for (String node : List.of("rack-a1", "rack-a2")) {
          for (String line : Files.readAllLines(run.resolve("metrics").resolve(node + ".jsonl"))) {
            if (line.contains("app-server") || line.contains("path-fault")) {
              System.out.println("slow " + slowFrom + " healed " + healedAt + ": " + line);
            }
          }
        }
      }
      assertTrue(!slowRoundTrips.isEmpty() && slowRoundTrips.stream().allMatch(ms -> ms >= 40 && ms <= 60), "20 ms more each way: " + slowRoundTrips);

      JsonNode summary = stopDriver(driver, run);
      String output = beforeTheStop(driver.outputSoFar());
      List<String> reasons = new ArrayList<>();
      summary.get("failed_by_reason").fieldNames().forEachRemaining(reasons::add);
      assertTrue(reasons.contains("data-timeout") && Set.of("data-timeout", "app-server-lost", "interrupted").containsAll(reasons), "the calls lost on the cut fail, and what app-2 held when its host crashed: " + summary);
      assertEquals(0, summary.get("timeouts").asLong(), summary.toString());
      long healSecond = (healedAt - summary.get("measured_from").asLong()) / 1000;
      long crashSecond = (crashedAt - summary.get("measured_from").asLong()) / 1000;
      List<Long> failingSeconds = secondsWithNewFailures(output);
      assertTrue(
          failingSeconds.stream().noneMatch(second -> second > healSecond && second < crashSecond - 1),
          "nothing fails over the slow link or between the heal and the crash: failures at " + failingSeconds + ", heal at " + healSecond + " s, crash at " + crashSecond + " s");
      assertEquals(List.of("cut", "link", "heal", "crash-host", "recover-host"), faults(run));
      Scripts.Result down = scripts.run(Duration.ofMinutes(2), "cluster", "down");
      assertEquals(0, down.exitCode(), down.output());
    });
  }

  /**
   * Once the faults are checked, the load after them shows nothing more: the driver is stopped as
   * Ctrl-C would (SIGTERM), which costs the test none of its run's remaining time. What was in
   * flight then and not answered within the driver's grace fails as {@code interrupted}, no more
   * than the driver said were in flight; the summary must still be written and balance. Returns it.
   */
  private static JsonNode stopDriver(Scripts.Running driver, Path run) throws Exception {
    boolean endedByItself = !driver.process().isAlive();
    driver.process().destroy();
    assertTrue(driver.process().waitFor(1, TimeUnit.MINUTES), "the driver ends:\n" + driver.outputSoFar());
    String output = driver.outputSoFar();
    if (endedByItself) {
      assertEquals(0, driver.process().exitValue(), "a driver that ran its whole load succeeds:\n" + output);
    }
    JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
    System.out.println("summary: " + summary);
    assertEquals(summary.get("sent").asLong(), summary.get("ok").asLong() + summary.get("failed").asLong() + summary.get("timeouts").asLong(), "the books balance: " + summary);
    long interrupted = summary.path("failed_by_reason").path("interrupted").asLong();
    java.util.regex.Matcher told = java.util.regex.Pattern.compile("interrupted; giving (\\d+) requests in flight").matcher(output);
    long inFlight = told.find() ? Long.parseLong(told.group(1)) : 0;
    assertTrue(interrupted <= inFlight, interrupted + " failed as interrupted, but " + inFlight + " were in flight at the stop:\n" + output);
    return summary;
  }

  /** A driver's output up to where it was stopped: what it counted after is the stop's, not the faults'. */
  private static String beforeTheStop(String output) {
    int stop = output.indexOf("interrupted; giving");
    return stop < 0 ? output : output.substring(0, stop);
  }

  /** Where the control API on {@code port} places {@code vm} ("null" when it runs nowhere), or "" when it does not answer. */
  private static String hostOfVm(int port, String vm) {
    try {
      java.net.http.HttpResponse<String> answer =
          java.net.http.HttpClient.newHttpClient()
              .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/vms")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      for (JsonNode line : JSON.readTree(answer.body())) {
        if (line.path("vm").asText().equals(vm)) {
          return line.path("host").isNull() ? "null" : line.path("host").asText();
        }
      }
      return "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The seconds, from the driver's progress lines, in which the failed count grew. */
  private static List<Long> secondsWithNewFailures(String output) {
    java.util.regex.Pattern line = java.util.regex.Pattern.compile("\\[\\s*(\\d+)s\\] sent \\d+  ok \\d+  failed (\\d+)");
    List<Long> seconds = new ArrayList<>();
    long failed = 0;
    for (String text : output.split("\n")) {
      java.util.regex.Matcher m = line.matcher(text);
      if (m.find() && Long.parseLong(m.group(2)) > failed) {
        seconds.add(Long.parseLong(m.group(1)));
        failed = Long.parseLong(m.group(2));
      }
    }
    return seconds;
  }

  /** What a node's network model has lost on faulty paths so far (its last path-fault lines). */
  private static long lostOnPaths(Path run, String node) {
    try {
      List<String> lines = Files.readAllLines(run.resolve("metrics").resolve(node + ".jsonl"));
      long lost = 0;
      for (int i = lines.size() - 1; i >= 0 && i >= lines.size() - 40; i--) {
        JsonNode line = JSON.readTree(lines.get(i));
        if (line.path("kind").asText().equals("path-fault")) {
          lost = Math.max(lost, line.path("lost").asLong());
        }
      }
      return lost;
    } catch (IOException e) {
      return 0;
    }
  }

  /** From the driver's progress lines ("[  12s] sent .. ok .. failed F ..."): the last second whose failed count grew; -1 if none. */
  private static long lastSecondWithNewFailures(String output) {
    List<Long> seconds = secondsWithNewFailures(output);
    return seconds.isEmpty() ? -1 : seconds.get(seconds.size() - 1);
  }

  private static List<Long> faultTimes(Path run) throws IOException {
    List<Long> times = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("faults.jsonl"))) {
      times.add(JSON.readTree(line).path("ts").asLong());
    }
    return times;
  }

  private static boolean logContains(Path run, String node, String text) {
    try {
      return Files.readString(run.resolve("logs").resolve(node + ".log")).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static void waitFor(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + limit.toSeconds() + " s for " + what);
      }
      Thread.sleep(200);
    }
  }

  /** The kinds of the faults written so far, in order. */
  private static List<String> faults(Path run) {
    List<String> kinds = new ArrayList<>();
    try {
      if (Files.exists(run.resolve("faults.jsonl"))) {
        for (String line : Files.readAllLines(run.resolve("faults.jsonl"))) {
          kinds.add(JSON.readTree(line).path("fault").asText());
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return kinds;
  }

  /** The last line of {@code node}'s metrics log for a tier component (the node's one). */
  private static java.util.Optional<JsonNode> lastLine(Path run, String node) {
    Path log = run.resolve("metrics").resolve(node + ".jsonl");
    try {
      if (!Files.exists(log)) {
        return java.util.Optional.empty();
      }
      List<String> lines = Files.readAllLines(log);
      for (int i = lines.size() - 1; i >= 0; i--) {
        JsonNode line = JSON.readTree(lines.get(i));
        if (Set.of("dispatcher", "app-server", "data-server").contains(line.path("kind").asText())) {
          return java.util.Optional.of(line);
        }
      }
      return java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty(); // a line being written: read again
    }
  }

  private static long lastMetric(Path run, String node, String field) {
    return lastLine(run, node).map(l -> l.path(field).asLong()).orElse(0L);
  }

  /** The row of {@code node} in {@code scripts/cluster status}. */
  private static String statusRow(Scripts scripts, String node) {
    for (String row : scripts.run(Duration.ofMinutes(1), "cluster", "status").output().split("\n")) {
      if (row.startsWith(node + " ")) {
        return row;
      }
    }
    return "";
  }
}
