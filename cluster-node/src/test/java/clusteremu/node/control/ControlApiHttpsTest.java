package clusteremu.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.TestKits;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.fault.FaultLog;
import clusteremu.node.fault.NodeFaults;
import clusteremu.node.fault.PathFaultTable;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.OneHostPerNode;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.node.security.Authorities;
import clusteremu.node.security.TlsStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control API as it is served beyond loopback: HTTPS with the node's certificate, and only
 * for a request that carries the bearer token. Served here on 127.0.0.1 with a certificate for
 * it, over real TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlApiHttpsTest {
  private static final String TOKEN = "a-token-of-at-least-sixteen-characters";

  @TempDir static Path dir;
  private ActorTestKit kit;
  private ServerBinding binding;
  private TlsStores stores;

  @BeforeAll
  void start() throws Exception {
    kit = TestKits.onFreePort();
    Authorities authorities = Authorities.made();
    stores = Authorities.stores(authorities.a, "seed");
    Scenario scenario = ScenarioLoader.load(Path.of("../config/default.conf"));
    RunDirectory run = new RunDirectory(Files.createDirectories(dir.resolve("run")));
    Topology topology = OneHostPerNode.of(scenario);
    FaultLog log = new FaultLog(run.faults());
    Map<String, String> nodes = new LinkedHashMap<>();
    scenario.nodes().forEach(n -> nodes.put(n.name(), scenario.addressOf(n)));
    ControlApi api =
        new ControlApi(
            kit.system(), run.root(), topology, Placement.initial(topology), nodes,
            node -> kit.<clusteremu.node.migration.Migrations.Command>createTestProbe().getRef(), new NodeFaults(scenario, run, "dispatcher-1", log),
            kit.spawn(PathFaultTable.create(topology, false, log)), log, node -> kit.<clusteremu.node.fault.HostCrashes.Command>createTestProbe().getRef());
    binding = api.bind(new ControlAccess("127.0.0.1", stores.sslContext(), TOKEN), 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    kit.shutdownTestKit();
  }

  private int port() {
    return binding.localAddress().getPort();
  }

  private HttpResponse<String> get(String token) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(stores.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port() + "/vms")).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theRightTokenIsServed() throws Exception {
    HttpResponse<String> answer = get(TOKEN);
    assertEquals(200, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("\"vm\":\"dispatcher-1\",\"host\":\"dispatcher-1\""), answer.body());
  }

  @Test
  void noTokenOrAWrongOneIsRefusedAlike() throws Exception {
    for (String token : new String[] {null, "wrong", TOKEN + "x", TOKEN.substring(1)}) {
      HttpResponse<String> answer = get(token);
      assertEquals(401, answer.statusCode(), String.valueOf(token));
      assertTrue(answer.body().contains("missing or wrong bearer token"), answer.body());
      assertEquals("Bearer", answer.headers().firstValue("WWW-Authenticate").orElse(""));
      assertTrue(answer.headers().firstValue(ControlApi.RUN_HEADER).isEmpty(), "nothing about the run without the token");
    }
  }

  @Test
  void theClientSendsTheTokenAndTrustsTheNodesCertificate() throws Exception {
    ControlClient client = new ControlClient(new ControlAccess("127.0.0.1", stores.sslContext(), TOKEN), port(), null);
    assertEquals(200, client.get("/vms").status());
    ControlClient.Answer refused = new ControlClient(new ControlAccess("127.0.0.1", stores.sslContext(), "another-token-of-some-length"), port(), null).get("/vms");
    assertEquals(401, refused.status());
  }

  @Test
  void plainHttpGetsNoAnswer() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/vms")).timeout(Duration.ofSeconds(10)).build();
    assertThrows(java.io.IOException.class, () -> plain.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void aClientTrustingAnotherAuthorityRefusesTheServer() {
    TlsStores stranger = Authorities.stores(Authorities.made().b, "stranger");
    ControlClient client = new ControlClient(new ControlAccess("127.0.0.1", stranger.sslContext(), TOKEN), port(), null);
    assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> client.get("/vms"));
  }
}
