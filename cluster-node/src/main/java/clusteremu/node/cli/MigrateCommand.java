package clusteremu.node.cli;

import clusteremu.node.control.ControlClient;
import clusteremu.node.report.TextTable;
import clusteremu.node.launch.RunningCluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/migrate}: starts a live migration through the running cluster's control API,
 * and with {@code --wait} follows it, a progress line a second as QEMU's {@code info migrate}.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Move a VM of the running cluster to another host, live, through its control API.",
      "  migrate VM HOST [options]     start one migration (--wait to follow it)",
      "  migrate --list                every migration so far",
      "  migrate --evacuate HOST       move every VM off HOST to the nearest hosts with room, one after another",
      "  migrate --cancel ID           stop a migration whose guest has not paused yet; the VM stays",
      "Exit status: 0 done (or started, without --wait), 1 refused or failed, 2 bad usage or input."
    })
final class MigrateCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", arity = "0..1", paramLabel = "VM", description = "The VM to move (see GET /vms or `scripts/cluster status`).")
  String vm;

  @Parameters(index = "1", arity = "0..1", paramLabel = "HOST", description = "The host to move it to.")
  String host;

  @Option(names = "--strategy", defaultValue = "precopy", description = "precopy, stopcopy, postcopy, hybrid (pre-copy until its stop rule, then post-copy) or cold. Default: ${DEFAULT-VALUE}.")
  String strategy;

  @Option(
      names = "--max-downtime",
      converter = DurationConverter.class,
      defaultValue = "300ms",
      description = "Pre-copy stops iterating once what is left would go within this at the measured bandwidth. Default: ${DEFAULT-VALUE}.")
  Duration maxDowntime;

  @Option(names = "--max-rounds", defaultValue = "30", description = "Pre-copy rounds at most (hybrid: before it switches to post-copy). Default: ${DEFAULT-VALUE}.")
  int maxRounds;

  @Option(names = "--bandwidth", description = "Cap on migration traffic, in bits per second as the links are given, e.g. 10Gbit. Default: 128 MiB/s (QEMU's).")
  String bandwidth;

  @Option(names = "--auto-converge", description = "Throttle the guest's CPU when rounds do not converge (QEMU: 20%%, then +10%% a step).")
  boolean autoConverge;

  @Option(
      names = "--contents",
      defaultValue = "synthetic",
      description = "synthetic (page numbers, versions and checksums travel; the emulated size counts on the links) or real (4 KiB of contents per page too). Default: ${DEFAULT-VALUE}.")
  String contents;

  @Option(names = "--wait", description = "Follow the migration to its end, printing its progress each second.")
  boolean await;

  @Option(names = "--list", description = "List every migration so far.")
  boolean list;

  @Option(names = "--evacuate", paramLabel = "HOST", description = "Move every VM off HOST, one after another, each to the nearest host with room.")
  String evacuate;

  @Option(names = "--cancel", paramLabel = "ID", description = "Cancel migration ID (before its guest pauses); the VM stays where it is.")
  String cancel;

  @Option(names = "--run", paramLabel = "DIR", description = "The run of the cluster. Default: runs/latest.")
  java.nio.file.Path run;

  private ControlClient api;

  @Override
  public Integer call() throws Exception {
    int modes = (list ? 1 : 0) + (evacuate != null ? 1 : 0) + (cancel != null ? 1 : 0) + (vm != null ? 1 : 0);
    if (modes != 1 || (vm != null && host == null)) {
      System.err.println("clusteremu migrate: give VM and HOST, or --list, or --evacuate HOST, or --cancel ID (see --help)");
      return 2;
    }
    Optional<RunningCluster> cluster = RunningCluster.at(run);
    if (cluster.isEmpty()) {
      System.err.println("clusteremu migrate: no cluster at " + RunningCluster.where(run) + "; start one with scripts/cluster up");
      return 2;
    }
    api = ControlClient.of(cluster.get().scenario(), cluster.get().startedOn(), cluster.get().run().root());
    try {
      if (list) {
        return list();
      }
      if (evacuate != null) {
        return evacuate(evacuate);
      }
      if (cancel != null) {
        ControlClient.Answer answer = api.delete("/migrations/" + cancel);
        if (answer.status() == 200) {
          System.out.println("migration " + cancel + " cancelled; the VM stays where it was");
          return 0;
        }
        System.err.println("clusteremu migrate: cannot cancel " + cancel + ": " + answer.error());
        return 1;
      }
      return migrate(vm, host, await);
    } catch (ControlClient.WrongCluster e) {
      System.err.println("clusteremu migrate: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      System.err.println("clusteremu migrate: the control API at " + api.base() + " does not answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "); is the cluster up?");
      return 1;
    }
  }

  private int migrate(String vm, String to, boolean follow) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("vm", vm);
    body.put("to", to);
    body.put("strategy", strategy);
    body.put("max_downtime_ms", maxDowntime.toMillis());
    body.put("max_rounds", maxRounds);
    if (bandwidth != null) {
      body.put("bandwidth", bandwidth);
    }
    body.put("auto_converge", autoConverge);
    body.put("contents", contents);
    ControlClient.Answer answer = api.post("/migrations", body);
    if (answer.status() != 201) {
      System.err.println("clusteremu migrate: " + (answer.status() == 400 ? "bad request: " : "refused: ") + answer.error());
      return answer.status() == 400 ? 2 : 1;
    }
    String id = answer.body().get("id").asText();
    System.out.println("migration " + id + ": " + vm + " to " + to + " (" + strategy + ")");
    if (!follow) {
      return 0;
    }
    while (true) {
      Thread.sleep(1000);
      JsonNode progress = api.get("/migrations/" + id).body();
      String status = progress.path("status").asText();
      if (ControlClient.ended(status)) {
        System.out.println(ControlClient.summary(progress));
        return status.equals("completed") ? 0 : 1;
      }
      System.out.printf(
          Locale.ROOT,
          "[%5.1fs] %s %-7s round %d  remaining %d pages  dirty %d pages/s  expected downtime %.1f ms  sent %s%n",
          // The migration's own time so far: emulated, as every figure of the line.
          progress.path("total_ms").asDouble() / 1000, id, status, progress.path("round").asInt(), progress.path("remaining_pages").asLong(),
          progress.path("dirty_rate_pages_per_s").asLong(), progress.path("expected_downtime_ms").asDouble(), ControlClient.mib(progress.path("bytes").asLong()));
    }
  }

  private int list() throws IOException, InterruptedException {
    JsonNode all = api.get("/migrations").body();
    TextTable table = new TextTable("ID", "VM", "FROM", "TO", "STRATEGY", "STATUS", "TOTAL MS", "DOWNTIME MS", "ROUNDS", "VERIFIED", "REASON");
    for (JsonNode p : all) {
      table.row(
          p.path("id").asText(), p.path("vm").asText(), p.path("from").asText(), p.path("to").asText(), p.path("strategy").asText(), p.path("status").asText(),
          String.format(Locale.ROOT, "%.0f", p.path("total_ms").asDouble()), String.format(Locale.ROOT, "%.1f", p.path("downtime_ms").asDouble()),
          p.path("round").asText(), p.path("verified").isNull() ? "-" : p.path("verified").asText(), p.path("reason").asText());
    }
    table.print(System.out);
    return 0;
  }

  /** Every VM on {@code from} to the nearest host with room (same rack, then row, then any), one after another. */
  private int evacuate(String from) throws IOException, InterruptedException {
    JsonNode hosts = api.get("/hosts").body();
    JsonNode vms = api.get("/vms").body();
    Map<String, JsonNode> byName = new HashMap<>();
    Map<String, long[]> room = new HashMap<>();
    hosts.forEach(h -> {
      byName.put(h.get("host").asText(), h);
      room.put(h.get("host").asText(), new long[] {h.get("free_cores").asLong(), h.get("free_memory_mib").asLong()});
    });
    JsonNode source = byName.get(from);
    if (source == null) {
      System.err.println("clusteremu migrate: no host '" + from + "'; expected one of " + byName.keySet());
      return 2;
    }
    List<JsonNode> leaving = new ArrayList<>();
    vms.forEach(v -> {
      if (from.equals(v.path("host").asText())) {
        leaving.add(v);
      }
    });
    if (leaving.isEmpty()) {
      System.out.println("host " + from + " runs no VM: nothing to move");
      return 0;
    }
    int failures = 0;
    for (JsonNode v : leaving) {
      Optional<String> to =
          byName.values().stream()
              .filter(h -> !h.get("host").asText().equals(from))
              .filter(h -> room.get(h.get("host").asText())[0] >= v.get("vcpus").asLong() && room.get(h.get("host").asText())[1] >= v.get("memory_mib").asLong())
              .min(Comparator.comparingInt((JsonNode h) -> distance(source, h)).thenComparing(h -> h.get("host").asText()))
              .map(h -> h.get("host").asText());
      if (to.isEmpty()) {
        System.err.println("clusteremu migrate: no host has room for VM " + v.get("vm").asText() + " (" + v.get("vcpus").asLong() + " vCPUs, " + v.get("memory_mib").asLong() + " MiB)");
        failures++;
        continue;
      }
      room.get(to.get())[0] -= v.get("vcpus").asLong();
      room.get(to.get())[1] -= v.get("memory_mib").asLong();
      if (migrate(v.get("vm").asText(), to.get(), true) != 0) {
        failures++;
      }
    }
    return failures == 0 ? 0 : 1;
  }

  /** 0 same rack, 1 same row, 2 elsewhere. */
  private static int distance(JsonNode a, JsonNode b) {
    if (a.get("rack").asText().equals(b.get("rack").asText())) {
      return 0;
    }
    return a.get("row").asText().equals(b.get("row").asText()) ? 1 : 2;
  }
}
