package clusteremu.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.fault.NodeFaults;
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
  private ServerBinding binding;
  private RunDirectory run;
  private NodeFaults faults;
  private TestProbe<Migrations.Command> migrations;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    kit = ActorTestKit.create(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0").withFallback(ConfigFactory.load()));
    Scenario scenario = ScenarioLoader.load(Path.of("../config/default.conf"));
    run = new RunDirectory(Files.createDirectories(dir.resolve("run")));
    Topology topology = OneHostPerNode.of(scenario);
    faults = new NodeFaults(scenario, run, "dispatcher-1");
    migrations = kit.createTestProbe();
    ControlApi api =
        new ControlApi(
            kit.system(), run.root(), topology, Placement.initial(topology), scenario.nodes().stream().map(NodeSpec::name).toList(),
            node -> migrations.getRef(), faults);
    binding = api.bind(0).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    binding.unbind().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    kit.shutdownTestKit();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
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
        "{\"kind\": \"explode\", \"node\": \"app-1\"}|400|kind: expected one of [kill, freeze, restart]",
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
    assertEquals(0, faults.history().size());
    assertFalse(Files.exists(run.faults()), "nothing written");
    assertEquals("[]", send("GET", "/faults", null).body());
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
    assertEquals(0, faults.history().size());
    migrations.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void anUnknownMigrationIsNotFound() throws Exception {
    assertRefused(send("DELETE", "/migrations/app-9.1", null), 404, "no migration app-9.1");
    assertRefused(send("GET", "/migrations/nonsense", null), 404, "no migration nonsense");
  }
}
