package clusteremu.node.cli;

import clusteremu.node.control.ControlClient;
import clusteremu.node.run.RunningCluster;
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
      "  fault --list                  the faults injected so far",
      "The node serving the control API (clusteremu.control.node, by default the first seed node) cannot be killed or frozen through it.",
      "Exit status: 0 done, 1 refused or failed, 2 bad usage or input."
    })
final class FaultCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "kill, freeze or restart.")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NODE", description = "The node (see scripts/cluster status).")
  String node;

  @Parameters(index = "2", arity = "0..1", paramLabel = "DURATION", converter = DurationConverter.class, description = "How long a freeze lasts, e.g. 12s.")
  Duration duration;

  @Option(names = "--list", description = "List the faults injected so far.")
  boolean list;

  @Option(names = "--run", paramLabel = "DIR", description = "The run of the cluster. Default: runs/latest.")
  java.nio.file.Path run;

  @Override
  public Integer call() throws Exception {
    if (list == (kind != null) || (kind != null && node == null)) {
      System.err.println("clusteremu fault: give KIND NODE [DURATION], or --list (see --help)");
      return 2;
    }
    if (kind != null && kind.equals("freeze") != (duration != null)) {
      System.err.println("clusteremu fault: " + (duration == null ? "a freeze needs a DURATION, e.g. 12s" : "only a freeze takes a DURATION"));
      return 2;
    }
    Optional<RunningCluster> cluster = RunningCluster.at(run);
    if (cluster.isEmpty()) {
      System.err.println("clusteremu fault: no cluster at " + RunningCluster.where(run) + "; start one with scripts/cluster up");
      return 2;
    }
    ControlClient api = new ControlClient(cluster.get().scenario().config().getInt("clusteremu.control.port"), cluster.get().run().root());
    try {
      return list ? list(api) : inject(api);
    } catch (ControlClient.WrongCluster e) {
      System.err.println("clusteremu fault: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      System.err.println("clusteremu fault: the control API at " + api.base() + " does not answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "); is the cluster up?");
      return 1;
    }
  }

  private int inject(ControlClient api) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("kind", kind);
    body.put("node", node);
    if (duration != null) {
      body.put("duration_ms", duration.toMillis());
    }
    ControlClient.Answer answer = api.post("/faults", body);
    if (answer.status() != 200) {
      System.err.println("clusteremu fault: " + (answer.status() == 400 ? "bad request: " : "refused: ") + answer.error());
      return answer.status() == 400 || answer.status() == 404 ? 2 : 1;
    }
    System.out.println(line(answer.body()));
    return 0;
  }

  private static int list(ControlClient api) throws IOException, InterruptedException {
    TextTable table = new TextTable("TIME", "FAULT", "NODE", "PID", "DURATION MS");
    for (JsonNode f : api.get("/faults").body()) {
      table.row(
          Instant.ofEpochMilli(f.path("ts").asLong()).toString(), f.path("fault").asText(), f.path("node").asText(), f.path("pid").asText(),
          f.has("duration_ms") ? f.path("duration_ms").asText() : "-");
    }
    table.print(System.out);
    return 0;
  }

  private static String line(JsonNode record) {
    return Instant.ofEpochMilli(record.path("ts").asLong()) + "  " + record.path("event").asText() + " (PID " + record.path("pid").asText() + ")";
  }
}
