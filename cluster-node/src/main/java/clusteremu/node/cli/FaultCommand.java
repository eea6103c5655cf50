package clusteremu.node.cli;

import clusteremu.node.control.ControlClient;
import clusteremu.node.report.TextTable;
import clusteremu.node.launch.RunningCluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scripts/fault}: breaks a node of the running cluster on purpose, through its control API. */
@Command(
    name = "fault",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Inject a fault into the running cluster through its control API (POST /faults); each is written with its time to runs/<run>/faults.jsonl.",
      "  fault kill NODE               kill -9 of the node's JVM: it stops at once, leaving nothing behind",
      "  fault freeze NODE DURATION    SIGSTOP of the node's JVM, SIGCONT after DURATION (e.g. 12s): a long GC pause or a hung machine",
      "  fault restart NODE            start the JVM of a node that is not running; it rejoins the cluster with its roles",
      "  fault link FROM TO [--latency 20ms] [--bandwidth 100Mbit] [--loss 0.01]",
      "                                slow or lossy paths between two places of the datacenter (hosts, racks or rows), both ways",
      "  fault cut FROM TO             every message between the two places lost (a partition)",
      "  fault heal FROM TO            the paths between them as the topology has them again",
      "  fault crash-host HOST         an emulated host stops: its VMs stop and are gone from placement",
      "  fault recover-host HOST       the host is back: its VMs start again, empty (a replicated data server takes its keys back first)",
      "  fault --list                  the faults injected so far",
      "The node serving the control API (clusteremu.control.node, by default the first seed node) cannot be killed or frozen through it.",
      "Exit status: 0 done, 1 refused or failed, 2 bad usage or input."
    })
final class FaultCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "kill, freeze, restart, link, cut, heal, crash-host or recover-host.")
  String kind;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARGS", description = "NODE (kill, restart), NODE DURATION (freeze, e.g. 12s), FROM TO (link, cut, heal), HOST (crash-host, recover-host).")
  java.util.List<String> args = new java.util.ArrayList<>();

  @Option(names = "--latency", converter = DurationConverter.class, description = "link: latency added to the paths, e.g. 20ms.")
  Duration latency;

  @Option(names = "--bandwidth", description = "link: bandwidth left to the paths, in bits per second, e.g. 100Mbit.")
  String bandwidth;

  @Option(names = "--loss", description = "link: fraction of messages lost, from 0 up to 1 (a cut loses all).")
  Double loss;

  @Option(names = "--list", description = "List the faults injected so far.")
  boolean list;

  @Option(names = "--run", paramLabel = "DIR", description = "The run of the cluster. Default: runs/latest.")
  java.nio.file.Path run;

  @Override
  public Integer call() throws Exception {
    if (list == (kind != null)) {
      System.err.println("clusteremu fault: give KIND and its arguments, or --list (see --help)");
      return 2;
    }
    ObjectNode body = list ? null : body();
    if (!list && body == null) {
      return 2;
    }
    Optional<RunningCluster> cluster = RunningCluster.at(run);
    if (cluster.isEmpty()) {
      System.err.println("clusteremu fault: no cluster at " + RunningCluster.where(run) + "; start one with scripts/cluster up");
      return 2;
    }
    ControlClient api = ControlClient.of(cluster.get().scenario(), cluster.get().startedOn(), cluster.get().run().root());
    try {
      return list ? list(api) : inject(api, body);
    } catch (ControlClient.WrongCluster e) {
      System.err.println("clusteremu fault: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      System.err.println("clusteremu fault: the control API at " + api.base() + " does not answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "); is the cluster up?");
      return 1;
    }
  }

  /** The request's body from the arguments; null (having said why) when they do not fit the kind. */
  private ObjectNode body() {
    ObjectNode body = JSON.createObjectNode();
    body.put("kind", kind);
    boolean onPaths = kind.equals("link") || kind.equals("cut") || kind.equals("heal");
    int expected = onPaths || kind.equals("freeze") ? 2 : 1;
    String usage =
        switch (kind) {
          case "freeze" -> "freeze NODE DURATION";
          case "link", "cut", "heal" -> kind + " FROM TO";
          case "crash-host", "recover-host" -> kind + " HOST";
          default -> kind + " NODE";
        };
    if (args.size() != expected) {
      System.err.println("clusteremu fault: expected " + usage + " (see --help)");
      return null;
    }
    if (!kind.equals("link") && (latency != null || bandwidth != null || loss != null)) {
      System.err.println("clusteremu fault: --latency, --bandwidth and --loss are for a link only");
      return null;
    }
    if (onPaths) {
      body.put("from", args.get(0));
      body.put("to", args.get(1));
      if (latency != null) {
        body.put("latency_ms", latency.toMillis());
      }
      if (bandwidth != null) {
        body.put("bandwidth", bandwidth);
      }
      if (loss != null) {
        body.put("loss", loss);
      }
      return body;
    }
    if (kind.equals("crash-host") || kind.equals("recover-host")) {
      body.put("host", args.get(0));
      return body;
    }
    body.put("node", args.get(0));
    if (kind.equals("freeze")) {
      try {
        body.put("duration_ms", new DurationConverter().convert(args.get(1)).toMillis());
      } catch (Exception e) {
        System.err.println("clusteremu fault: DURATION: " + e.getMessage());
        return null;
      }
    }
    return body;
  }

  private int inject(ControlClient api, ObjectNode body) throws IOException, InterruptedException {
    ControlClient.Answer answer = api.post("/faults", body);
    if (answer.status() != 200) {
      System.err.println("clusteremu fault: " + (answer.status() == 400 ? "bad request: " : "refused: ") + answer.error());
      return answer.status() == 400 || answer.status() == 404 ? 2 : 1;
    }
    System.out.println(line(answer.body()));
    return 0;
  }

  private static int list(ControlClient api) throws IOException, InterruptedException {
    TextTable table = new TextTable("TIME", "FAULT", "WHERE", "PID", "DETAIL");
    for (JsonNode f : api.get("/faults").body()) {
      boolean onPaths = f.has("from");
      table.row(
          Instant.ofEpochMilli(f.path("ts").asLong()).toString(), f.path("fault").asText(),
          onPaths ? f.path("from").asText() + " ~ " + f.path("to").asText() : f.has("host") ? "host " + f.path("host").asText() : f.path("node").asText(),
          f.has("pid") ? f.path("pid").asText() : "-",
          f.has("duration_ms") ? f.path("duration_ms").asText() + " ms" : f.has("event") && f.path("fault").asText().equals("link") ? f.path("event").asText() : "-");
    }
    table.print(System.out);
    return 0;
  }

  private static String line(JsonNode record) {
    return Instant.ofEpochMilli(record.path("ts").asLong()) + "  " + record.path("event").asText()
        + (record.has("pid") ? " (PID " + record.path("pid").asText() + ")"
            : record.has("vms") ? " (VMs " + record.path("vms") + " on node " + record.path("node").asText() + ")"
            : " (sent to " + record.path("nodes").asInt() + " nodes)");
  }
}
