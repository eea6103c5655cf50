package clusteremu.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.TestKits;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.fault.FaultLog;
import clusteremu.node.fault.NodeFaults;
import clusteremu.node.fault.PathFaultTable;
import clusteremu.node.migration.Migrations;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.OneHostPerNode;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad requests to the control API, over real HTTP: each gets a 4xx whose JSON error names the
 * field at fault, and changes nothing (no fault carried out or written, no migration asked for).
 * The API runs on an actor system of its own over the default scenario; every request here is refused
 * before it would reach a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one API for every request: each is refused and changes nothing
class ControlApiBadInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private ActorTestKit kit;
  /** The API over the default scenario (no datacenter), and over config/datacenter.conf. */
  private Api plain;
  private Api datacenter;
  private TestProbe<Migrations.Command> migrations;
  private TestProbe<clusteremu.node.fault.HostCrashes.Command> hostCrashes;

  /** A control API bound on a free port, with the log of the faults it carried out. */
  private record Api(ServerBinding binding, RunDirectory run, FaultLog log) {}
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    kit = TestKits.onFreePort();
    migrations = kit.createTestProbe();
    hostCrashes = kit.createTestProbe();
    plain = api("plain", ScenarioLoader.load(Path.of("../config/default.conf")), "dispatcher-1");
    datacenter = api("datacenter", ScenarioLoader.load(Path.of("../config/datacenter.conf")), "rack-a1");
  }

  private Api api(String name, Scenario scenario, String controlNode) throws Exception {
    RunDirectory run = new RunDirectory(Files.createDirectories(dir.resolve(name)));
    Topology topology = scenario.datacenter().orElseGet(() -> OneHostPerNode.of(scenario));
    FaultLog log = new FaultLog(run.faults());
    ControlApi api =
        new ControlApi(
            kit.system(), run.root(), topology, Placement.initial(topology), addresses(scenario),
            node -> migrations.getRef(), new NodeFaults(scenario, run, controlNode, log),
            kit.spawn(PathFaultTable.create(topology, scenario.datacenter().isPresent(), log)), log, node -> hostCrashes.getRef());
    return new Api(api.bind(0).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS), run, log);
  }

  private static java.util.Map<String, String> addresses(Scenario scenario) {
    java.util.Map<String, String> addresses = new java.util.LinkedHashMap<>();
    scenario.nodes().forEach(n -> addresses.put(n.name(), scenario.addressOf(n)));
    return addresses;
  }

  @AfterAll
  void stop() throws Exception {
    for (Api api : List.of(plain, datacenter)) {
      api.binding().unbind().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    kit.shutdownTestKit();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return send(plain, method, path, body);
  }

  private HttpResponse<String> send(Api api, String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.binding().localAddress().getPort() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Asserts the status and that the JSON error names {@code names}. */
  private void assertRefused(HttpResponse<String> response, int status, String names) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode error = JSON.readTree(response.body());
    assertTrue(error.has("error"), "a JSON error: " + response.body());
    assertTrue(error.get("error").asText().contains(names), "the error should name " + names + ": " + response.body());
  }

  @ParameterizedTest(name = "POST /members/leave {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"nodes\": [\"app-9\"]}|400|nodes: \"app-9\" is not a node of this cluster",
        "{\"nodes\": []}|400|nodes: expected a non-empty list",
        "{\"node\": \"app-1\"}|400|node: unknown field",
        "not json|400|the body is not JSON"
      })
  void aBadLeaveIsRefused(String body, int status, String names) throws Exception {
    assertRefused(send("POST", "/members/leave", body), status, names);
  }

  @ParameterizedTest(name = "POST /faults {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"kind\": \"kill\", |400|the body is not JSON",
        "[1, 2]|400|expected a JSON object",
        "{\"kind\": \"kill\", \"node\": \"app-1\", \"signal\": 9}|400|signal: unknown field",
        "{\"kind\": \"kill\", \"node\": 5}|400|node: expected a string",
        "{\"kind\": 1, \"node\": \"app-1\"}|400|kind: expected a string",
        "{\"node\": \"app-1\"}|400|kind: required",
        "{\"kind\": \"explode\", \"node\": \"app-1\"}|400|kind: expected one of [kill, freeze, restart, link, cut, heal, crash-host, recover-host]",
        "{\"kind\": \"kill\"}|400|node: required",
        "{\"kind\": \"freeze\", \"node\": \"app-1\"}|400|duration_ms: required",
        "{\"kind\": \"freeze\", \"node\": \"app-1\", \"duration_ms\": -5}|400|duration_ms: expected 1 to",
        "{\"kind\": \"freeze\", \"node\": \"app-1\", \"duration_ms\": \"12s\"}|400|duration_ms: expected a whole number",
        "{\"kind\": \"kill\", \"node\": \"app-1\", \"duration_ms\": 5}|400|duration_ms: only a freeze",
        "{\"kind\": \"kill\", \"node\": \"app-9\"}|404|node: no node app-9",
        "{\"kind\": \"kill\", \"node\": \"driver\"}|404|node: no node driver",
        "{\"kind\": \"kill\", \"node\": \"dispatcher-1\"}|409|node: dispatcher-1 serves the control API",
        "{\"kind\": \"freeze\", \"node\": \"dispatcher-1\", \"duration_ms\": 100}|409|node: dispatcher-1 serves the control API",
        "{\"kind\": \"kill\", \"node\": \"app-1\"}|409|node: app-1 is not running"
      })
  void aBadFaultIsRefusedAndNothingHappens(String body, int status, String names) throws Exception {
    assertRefused(send("POST", "/faults", body), status, names);
    assertNothingDone(plain);
  }

  private void assertNothingDone(Api api) throws Exception {
    assertEquals(0, api.log().history().size());
    assertFalse(Files.exists(api.run().faults()), "nothing written");
    assertEquals("[]", send(api, "GET", "/faults", null).body());
  }

  @ParameterizedTest(name = "POST /faults {0} (datacenter)")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"kind\": \"cut\", \"from\": \"a1\"}|400|to: required",
        "{\"kind\": \"cut\", \"from\": \"a1\", \"to\": \"a1\"}|400|to: expected another place than from",
        "{\"kind\": \"cut\", \"from\": \"a1\", \"to\": \"b1\", \"node\": \"rack-a1\"}|400|node: not a field of a cut",
        "{\"kind\": \"kill\", \"node\": \"rack-b1\", \"from\": \"a1\"}|400|from: not a field of a kill",
        "{\"kind\": \"cut\", \"from\": \"a1\", \"to\": \"b1\", \"loss\": 0.5}|400|loss: only a link takes it",
        "{\"kind\": \"link\", \"from\": \"a1\", \"to\": \"b1\"}|400|a link needs one of them",
        "{\"kind\": \"link\", \"from\": \"a1\", \"to\": \"b1\", \"loss\": 1}|400|loss: expected a fraction",
        "{\"kind\": \"link\", \"from\": \"a1\", \"to\": \"b1\", \"loss\": -0.1}|400|loss: expected a fraction",
        "{\"kind\": \"link\", \"from\": \"a1\", \"to\": \"b1\", \"latency_ms\": -5}|400|latency_ms: expected 0 to 60000",
        "{\"kind\": \"link\", \"from\": \"a1\", \"to\": \"b1\", \"bandwidth\": \"fast\"}|400|bandwidth: expected bits per second",
        "{\"kind\": \"link\", \"from\": \"a1\", \"to\": \"b1\", \"bandwidth\": 100}|400|bandwidth: expected bits per second",
        "{\"kind\": \"cut\", \"from\": \"a1\", \"to\": \"z9\"}|404|to: no host, rack or row z9",
        "{\"kind\": \"heal\", \"from\": \"a1\", \"to\": \"b1\"}|409|nothing is broken between a1 and b1",
        "{\"kind\": \"kill\", \"node\": \"rack-a1\"}|409|node: rack-a1 serves the control API",
        "{\"kind\": \"crash-host\"}|400|host: required",
        "{\"kind\": \"crash-host\", \"host\": 3}|400|host: expected a string",
        "{\"kind\": \"crash-host\", \"node\": \"rack-a1\"}|400|node: not a field of a crash-host",
        "{\"kind\": \"recover-host\", \"host\": \"a1-h9\"}|404|host: no host a1-h9",
        "{\"kind\": \"kill\", \"host\": \"a1-h1\"}|400|host: not a field of a kill"
      })
  void aBadPathFaultIsRefusedAndNothingHappens(String body, int status, String names) throws Exception {
    assertRefused(send(datacenter, "POST", "/faults", body), status, names);
    assertNothingDone(datacenter);
    hostCrashes.expectNoMessage(Duration.ofMillis(20));
  }

  @Test
  void aPathFaultNeedsTheNetworkModel() throws Exception {
    assertRefused(send("POST", "/faults", "{\"kind\": \"cut\", \"from\": \"app-1\", \"to\": \"data-1\"}"), 409, "needs a datacenter with its network model on");
    assertNothingDone(plain);
  }

  @ParameterizedTest(name = "POST /migrations {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json|400|the body is not JSON",
        "{\"vm\": \"data-1\", \"to\": \"data-1\", \"speed\": 3}|400|speed: unknown field",
        "{\"vm\": 7, \"to\": \"app-1\"}|400|vm: expected a string",
        "{\"vm\": \"data-9\", \"to\": \"app-1\"}|400|vm: no VM 'data-9'",
        "{\"vm\": \"data-1\", \"to\": \"nowhere\"}|400|to: no host 'nowhere'",
        "{\"vm\": \"data-1\", \"to\": \"app-1\", \"max_downtime_ms\": -1}|400|max_downtime_ms: expected milliseconds above zero",
        "{\"vm\": \"data-1\", \"to\": \"app-1\", \"max_rounds\": 2.5}|400|max_rounds: expected a whole number",
        "{\"vm\": \"data-1\", \"to\": \"app-1\", \"auto_converge\": \"yes\"}|400|auto_converge: expected true or false",
        "{\"vm\": \"data-1\", \"to\": \"app-1\", \"bandwidth\": \"fast\"}|400|bandwidth: expected bits per second"
      })
  void aBadMigrationIsRefusedAndNoNodeIsAsked(String body, int status, String names) throws Exception {
    assertRefused(send("POST", "/migrations", body), status, names);
    migrations.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aBodyOver64KiBIsRefusedWhateverItHolds() throws Exception {
    String padding = "x".repeat(ControlApi.MAX_BODY);
    String fault = JSON.writeValueAsString(Map.of("kind", "kill", "node", "app-1", "pad", padding));
    assertRefused(send("POST", "/faults", fault), 413, "expected at most 65536");
    assertRefused(send("POST", "/migrations", JSON.writeValueAsString(Map.of("vm", "data-1", "to", "app-1", "pad", padding))), 413, "expected at most 65536");
    assertEquals(0, plain.log().history().size());
    migrations.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void anUnknownPathOrMethodIsAJsonErrorToo() throws Exception {
    assertRefused(send("GET", "/nothing-here", null), 404, "requested resource could not be found");
    assertRefused(send("PUT", "/faults", "{}"), 405, "HTTP method not allowed");
  }

  @Test
  void anUnknownMigrationIsNotFound() throws Exception {
    assertRefused(send("DELETE", "/migrations/app-9.1", null), 404, "no migration app-9.1");
    assertRefused(send("GET", "/migrations/nonsense", null), 404, "no migration nonsense");
  }
}
