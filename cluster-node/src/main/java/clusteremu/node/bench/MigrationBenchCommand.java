package clusteremu.node.bench;

import clusteremu.node.launch.MemberShutdown;
import clusteremu.node.control.ControlClient;
import clusteremu.node.launch.RunningCluster;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The migration benchmark, on a cluster started with {@code config/bench-migration.conf} (two
 * node JVMs, {@code scripts/bench-migration} does it all), in three parts:
 *
 * <ol>
 *   <li>carrier: a 1 GiB VM moved by stop-and-copy with real contents and no emulated limit
 *       (1 Tbit/s cap, 400 Gbit/s links), against the same bytes as plain Pekko bulk messages
 *       between the same two JVMs ({@link BulkProbe}), alternated round by round: {@code
 *       carrier_ratio} is the median of one over the median of the other;
 *   <li>pre-copy downtime: a 1 GiB VM dirtying 2,000 pages/s in a 5% hot set, moved back and
 *       forth over a 10 Gbit/s path: the median downtime;
 *   <li>concurrency: 16 VMs moved at once while the driver offers load to the tiers: how many
 *       completed verified, and whether the driver lost or read stale anything.
 * </ol>
 *
 * Writes {@code runs/<run>/bench-migration.json}.
 */
@Command(
    name = "bench-migration",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Migration's carrier against plain Pekko bulk messages, pre-copy downtime of a busy 1 GiB VM, and concurrent migrations under load.",
      "Needs a cluster started with config/bench-migration.conf (scripts/bench-migration does it all)."
    })
public final class MigrationBenchCommand implements Callable<Integer> {
  static final String HOST_A = "a-h2";
  static final String HOST_B = "b-h2";
  static final String CARRIER_VM = "carrier";
  static final String BUSY_VM = "busy";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--rounds", defaultValue = "3", description = "Carrier rounds, each a migration and a bulk transfer (after one not measured). Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--moves", defaultValue = "5", description = "Pre-copy moves of the busy VM. Default: ${DEFAULT-VALUE}.")
  int moves;

  @Option(names = "--concurrent", defaultValue = "16", description = "VMs moved at once under load (at most 16: m01..m16). Default: ${DEFAULT-VALUE}.")
  int concurrent;

  @Option(names = "--rate", defaultValue = "100", description = "Requests per second the driver offers during the concurrent part. Default: ${DEFAULT-VALUE}.")
  int rate;

  @Option(names = "--check-options", hidden = true, description = "Only check the options, then exit (0 good, 2 bad).")
  boolean checkOnly;

  static final double CARRIER_TARGET = 0.50;
  static final double DOWNTIME_TARGET_MS = 50;

  private ControlClient api;
  /** A target was missed: the benchmark exits 1 after writing its figures. */
  private boolean missed;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || moves < 1 || concurrent < 1 || concurrent > 16 || rate < 1) {
      System.err.println("clusteremu bench-migration: --rounds, --moves and --rate must be at least 1, --concurrent from 1 to 16");
      return 2;
    }
    if (checkOnly) {
      return 0;
    }
    Optional<RunningCluster> cluster = RunningCluster.latest();
    if (cluster.isEmpty() || !cluster.get().scenario().config().getBoolean("clusteremu.bench.bulk-probe")) {
      System.err.println("clusteremu bench-migration: no cluster with the bulk probe; start one with scripts/cluster up config/bench-migration.conf");
      return 2;
    }
    Scenario scenario = cluster.get().scenario();
    Path runDir = cluster.get().run().root();
    api = ControlClient.of(scenario, cluster.get().startedOn(), runDir);
    Map<String, Object> json = new LinkedHashMap<>();
    ActorSystem<ClosedLoop.Command> system = BenchCommand.clientSystem(cluster.get());
    try {
      if (!carrier(system, scenario, json)) {
        return 1;
      }
      if (!precopyDowntime(json)) {
        return 1;
      }
      concurrent(runDir, json);
    } catch (IllegalStateException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      System.err.println("clusteremu bench-migration: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    } finally {
      MemberShutdown.leave(system, "bench-migration", System.err);
    }
    Path out = runDir.resolve("bench-migration.json");
    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    System.out.println("wrote " + out);
    if (missed) {
      System.err.println("clusteremu bench-migration: a target was missed (see MISSED above, or fewer than " + concurrent + " concurrent moves verified)");
      return 1;
    }
    return 0;
  }

  // ---- 1. the carrier ----

  private boolean carrier(ActorSystem<?> system, Scenario scenario, Map<String, Object> json) throws Exception {
    System.out.printf("== carrier: a 1 GiB VM by stop-and-copy with real contents, and the same bytes as plain bulk messages (%d rounds after one not measured)%n", rounds);
    List<Double> migration = new ArrayList<>();
    List<Double> bulk = new ArrayList<>();
    for (int round = 0; round <= rounds; round++) {
      String from = hostOf(CARRIER_VM);
      String to = from.equals(HOST_A) ? HOST_B : HOST_A;
      JsonNode moved = migrateAndWait(CARRIER_VM, to, "stopcopy", "1000Gbit", true, Duration.ofMinutes(3));
      if (!moved.path("status").asText().equals("completed") || !moved.path("verified").asBoolean()) {
        System.err.println("clusteremu bench-migration: the carrier migration did not complete verified: " + moved);
        return false;
      }
      // The copy's time: the total without the setup (the destination holding room), as the bulk
      // transfer has none; it still includes starting the VM there and writing its placement.
      double copyMs = moved.path("total_ms").asDouble() - moved.path("setup_ms").asDouble();
      double migrationRate = moved.path("bytes").asDouble() / (1 << 20) / (copyMs / 1e3);
      BulkProbe.Result result = bulk(system, scenario, nodeOfHost(from), nodeOfHost(to), moved.path("pages").asLong());
      if (result.corrupted() != 0) {
        System.err.println("clusteremu bench-migration: the bulk transfer arrived corrupted or did not run: " + result);
        return false;
      }
      double bulkRate = result.bytes() / (double) (1 << 20) / (result.nanos() / 1e9);
      System.out.printf(
          "%s %s -> %s: migration %.0f MiB/s (%.0f ms), bulk messages %.0f MiB/s (%.0f ms)%n",
          round == 0 ? "warm-up " : "round " + round, from, to, migrationRate, copyMs, bulkRate, result.nanos() / 1e6);
      if (round > 0) {
        migration.add(migrationRate);
        bulk.add(bulkRate);
      }
    }
    double ratio = BenchCommand.median(migration) / BenchCommand.median(bulk);
    System.out.printf(
        "carrier: migration %.0f MiB/s, bulk messages %.0f MiB/s (medians): carrier_ratio %.3f (target at least %.2f: %s)%n%n",
        BenchCommand.median(migration), BenchCommand.median(bulk), ratio, CARRIER_TARGET, ratio >= CARRIER_TARGET ? "met" : "MISSED");
    missed |= ratio < CARRIER_TARGET;
    json.put("carrier_migration_mib_per_s", migration);
    json.put("carrier_bulk_mib_per_s", bulk);
    json.put("carrier_ratio", ratio);
    return true;
  }

  /** Plain bulk messages of {@code pages} pages from the probe of node {@code from} to that of node {@code to}, as a migration with real contents sends them. */
  private static BulkProbe.Result bulk(ActorSystem<?> system, Scenario scenario, String from, String to, long pages) throws Exception {
    ActorRef<BulkProbe.Command> probe = ActorRefResolver.get(system).resolveActorRef(addressOf(scenario, from) + "/user/" + BulkProbe.NAME);
    int batchPages = 64;
    int pageBytes = 4096;
    int window = (16 << 20) / (batchPages * pageBytes); // as a migration's real contents in flight
    return AskPattern.<BulkProbe.Command, BulkProbe.Result>ask(
            probe, replyTo -> new BulkProbe.Run(addressOf(scenario, to), pages, batchPages, pageBytes, window, replyTo), Duration.ofMinutes(3), system.scheduler())
        .toCompletableFuture()
        .get(4, TimeUnit.MINUTES);
  }

  private static String addressOf(Scenario scenario, String node) {
    NodeSpec spec = scenario.nodes().stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow();
    return scenario.addressOf(spec);
  }

  // ---- 2. pre-copy downtime ----

  private boolean precopyDowntime(Map<String, Object> json) throws Exception {
    System.out.printf("== pre-copy: a 1 GiB VM dirtying 2,000 pages/s in a 5%% hot set over a 10 Gbit/s path, moved %d times%n", moves);
    List<Double> downtimes = new ArrayList<>();
    for (int move = 1; move <= moves; move++) {
      String to = hostOf(BUSY_VM).equals(HOST_A) ? HOST_B : HOST_A;
      JsonNode moved = migrateAndWait(BUSY_VM, to, "precopy", "10Gbit", false, Duration.ofMinutes(2));
      if (!moved.path("status").asText().equals("completed") || !moved.path("verified").asBoolean()) {
        System.err.println("clusteremu bench-migration: a pre-copy of the busy VM did not complete verified: " + moved);
        return false;
      }
      System.out.println("move " + move + ": " + ControlClient.summary(moved));
      downtimes.add(moved.path("downtime_ms").asDouble());
    }
    double median = BenchCommand.median(downtimes);
    System.out.printf("pre-copy downtime: median %.1f ms over %d moves (target at most %.0f ms: %s)%n%n", median, moves, DOWNTIME_TARGET_MS, median <= DOWNTIME_TARGET_MS ? "met" : "MISSED");
    missed |= median > DOWNTIME_TARGET_MS;
    json.put("precopy_1gib_downtimes_ms", downtimes);
    json.put("precopy_1gib_downtime_ms", median);
    return true;
  }

  // ---- 3. concurrent migrations under load ----

  private void concurrent(Path runDir, Map<String, Object> json) throws Exception {
    System.out.printf("== concurrency: %d VMs moved at once while the driver offers %d req/s%n", concurrent, rate);
    Path out = runDir.resolve("bench-migration-load");
    Process driver = startDriver(out, Duration.ofSeconds(40));
    List<String> ids = new ArrayList<>();
    try {
      Thread.sleep(10_000); // the driver joins the cluster and its load flows
      for (int i = 1; i <= concurrent; i++) {
        String vm = String.format("m%02d", i);
        String to = hostOf(vm).equals(HOST_A) ? HOST_B : HOST_A;
        ControlClient.Answer answer = api.post("/migrations", body(vm, to, "precopy", null, false));
        if (answer.status() != 201) {
          System.err.println("clusteremu bench-migration: " + vm + " refused: " + answer.error());
        } else {
          ids.add(answer.body().path("id").asText());
        }
      }
      int completed = 0;
      int verified = 0;
      for (String id : ids) {
        JsonNode end = awaitEnd(id, Duration.ofMinutes(3));
        System.out.println(ControlClient.summary(end));
        if (end.path("status").asText().equals("completed")) {
          completed++;
          if (end.path("verified").asBoolean()) {
            verified++;
          }
        }
      }
      if (!driver.waitFor(3, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the driver did not end within 3 minutes; see " + out + ".log");
      }
      JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
      System.out.printf(
          "concurrent: %d of %d completed, %d verified; the driver: %d sent, %d ok, %d stale reads%n",
          completed, concurrent, verified, summary.path("sent").asLong(), summary.path("ok").asLong(), summary.path("stale_reads").asLong());
      missed |= verified < concurrent;
      json.put("concurrent_started", ids.size());
      json.put("concurrent_completed", completed);
      json.put("concurrent_verified", verified);
      json.put("load_sent", summary.path("sent").asLong());
      json.put("load_ok", summary.path("ok").asLong());
      json.put("load_stale_reads", summary.path("stale_reads").asLong());
    } finally {
      if (driver.isAlive()) {
        driver.destroy();
      }
    }
  }

  /** The project's driver, as its own process, writing to {@code out} and {@code out}.log. */
  private Process startDriver(Path out, Duration duration) throws IOException {
    String home = System.getenv("CLUSTEREMU_HOME");
    if (home == null) {
      throw new IllegalStateException("CLUSTEREMU_HOME is not set; run this through scripts/bench-migration");
    }
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(home, "scripts", "driver").toString(), "--rate", Integer.toString(rate), "--duration", duration.toSeconds() + "s", "--warmup", "0s",
            "--keys", "100", "--out", out.toString());
    builder.environment().put("CLUSTEREMU_NO_BUILD", "1");
    Files.createDirectories(out.getParent());
    builder.redirectErrorStream(true).redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile());
    return builder.start();
  }

  // ---- the control API ----

  private JsonNode migrateAndWait(String vm, String to, String strategy, String bandwidth, boolean realContents, Duration limit) throws Exception {
    ControlClient.Answer answer = api.post("/migrations", body(vm, to, strategy, bandwidth, realContents));
    if (answer.status() != 201) {
      throw new IllegalStateException("migrating " + vm + " to " + to + " was refused: " + answer.error());
    }
    return awaitEnd(answer.body().path("id").asText(), limit);
  }

  private static ObjectNode body(String vm, String to, String strategy, String bandwidth, boolean realContents) {
    ObjectNode body = JSON.createObjectNode();
    body.put("vm", vm);
    body.put("to", to);
    body.put("strategy", strategy);
    if (bandwidth != null) {
      body.put("bandwidth", bandwidth);
    }
    body.put("contents", realContents ? "real" : "synthetic");
    return body;
  }

  private JsonNode awaitEnd(String id, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode progress = api.get("/migrations/" + id).body();
      if (ControlClient.ended(progress.path("status").asText())) {
        return progress;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("migration " + id + " did not end within " + limit.toSeconds() + " s");
  }

  private String hostOf(String vm) throws Exception {
    return vmLine(vm).path("host").asText();
  }

  private String nodeOfHost(String host) throws Exception {
    for (JsonNode line : api.get("/hosts").body()) {
      if (line.path("host").asText().equals(host)) {
        return line.path("node").asText();
      }
    }
    throw new IllegalStateException("no host " + host + " in the cluster; start it with config/bench-migration.conf");
  }

  private JsonNode vmLine(String vm) throws Exception {
    for (JsonNode line : api.get("/vms").body()) {
      if (line.path("vm").asText().equals(vm)) {
        return line;
      }
    }
    throw new IllegalStateException("no VM " + vm + " in the cluster; start it with config/bench-migration.conf");
  }
}
