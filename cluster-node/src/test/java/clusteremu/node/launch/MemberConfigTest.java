package clusteremu.node.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.config.ScenarioException;
import clusteremu.node.security.Authorities;
import clusteremu.node.security.PeerLoggingSslEngineProvider;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;

import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberConfigTest {
  private final Scenario scenario = ScenarioLoader.load(Path.of("../config/default.conf"));

  private List<String> seeds(NodeSpec node, boolean rejoining) {
    return MemberConfig.forNode(scenario, node, rejoining).getStringList("pekko.cluster.seed-nodes");
  }

  @Test
  void atLaunchEveryNodeJoinsThroughTheScenariosSeedNodes() {
    NodeSpec first = scenario.seedNodes().get(0);
    for (NodeSpec node : scenario.nodes()) {
      assertEquals(List.of(scenario.addressOf(first)), seeds(node, false), node.name());
    }
  }

  @Test
  void plainTcpUnlessTheScenarioTurnsTlsOn() {
    Config config = MemberConfig.forNode(scenario, scenario.nodes().get(0), false);
    assertEquals("tcp", config.getString("pekko.remote.artery.transport"));
    assertEquals("127.0.0.1", config.getString("pekko.remote.artery.canonical.hostname"));
  }

  @Test
  void actorsRemotingAndTcpShareOnePoolOfOneThreadPerTwoCores() {
    Config config = MemberConfig.forNode(scenario, scenario.nodes().get(0), false);
    assertEquals("pekko.actor.default-dispatcher", config.getString("pekko.actor.internal-dispatcher"));
    assertEquals("pekko.actor.default-dispatcher", config.getString("pekko.remote.artery.advanced.use-dispatcher"));
    assertEquals("pekko.actor.internal-dispatcher", config.getString("pekko.io.tcp.worker-dispatcher"));
    assertEquals(0.5, config.getDouble("pekko.actor.default-dispatcher.fork-join-executor.parallelism-factor"));
    assertEquals(1, config.getInt("pekko.actor.default-dispatcher.fork-join-executor.parallelism-min"));
    // The module's other defaults of the pool are kept.
    assertEquals(5, config.getInt("pekko.actor.default-dispatcher.throughput"));
  }

  @Test
  void aRunningMemberHasOneDispatcherForActorsPekkoAndArtery() throws Exception {
    Config config = MemberConfig.THREADS.withFallback(com.typesafe.config.ConfigFactory.load());
    org.apache.pekko.actor.ActorSystem system = org.apache.pekko.actor.ActorSystem.create("threads", config);
    try {
      var dispatchers = system.dispatchers();
      var actors = dispatchers.lookup("pekko.actor.default-dispatcher");
      assertTrue(actors == dispatchers.lookup("pekko.actor.internal-dispatcher"), "the internal dispatcher is the actors'");
      assertTrue(actors == dispatchers.lookup(config.getString("pekko.remote.artery.advanced.use-dispatcher")), "Artery's is the actors'");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void aSystemPropertyOfANodesJvmOptionsOverridesTheMembersThreads() {
    String key = "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min";
    System.setProperty(key, "3");
    com.typesafe.config.ConfigFactory.invalidateCaches();
    try {
      assertEquals(3, MemberConfig.forNode(scenario, scenario.nodes().get(0), false).getInt(key));
    } finally {
      System.clearProperty(key);
      com.typesafe.config.ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void aScenariosOwnPekkoBlockOverridesTheMembersThreads() throws IOException {
    Path file = Files.createTempFile("threads", ".conf");
    Files.writeString(
        file,
        """
        include file("%s")
        pekko.actor.default-dispatcher.fork-join-executor.parallelism-min = 4
        """
            .formatted(Path.of("../config/default.conf").toAbsolutePath().normalize()));
    try {
      Config config = MemberConfig.forNode(ScenarioLoader.load(file), scenario.nodes().get(0), false);
      assertEquals(4, config.getInt("pekko.actor.default-dispatcher.fork-join-executor.parallelism-min"));
      assertEquals(0.5, config.getDouble("pekko.actor.default-dispatcher.fork-join-executor.parallelism-factor"));
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void withTlsAMemberPresentsItsMachinesStoreAndVerifiesItsPeers() throws IOException {
    // Stores made by scripts/certs: seed names 127.0.0.1, member 127.0.0.1 and localhost.
    Path dir = Authorities.made().a;
    Path file = dir.resolve("tls.conf");
    Files.writeString(
        file,
        """
        include file("%s")
        clusteremu.machines { a { address = "127.0.0.1", key-store = seed.p12 }, b { address = "localhost", key-store = member.p12 } }
        clusteremu.nodes { dispatcher-1.machine = a, app-1.machine = a, app-2.machine = b, data-1.machine = b }
        clusteremu.security { tls = on, trust-store = trust.p12, password-file = password }
        """
            .formatted(Path.of("../config/default.conf").toAbsolutePath().normalize()));
    Scenario tls = ScenarioLoader.load(file);
    String password = Files.readAllLines(dir.resolve("password")).get(0);
    Config config = MemberConfig.forNode(tls, tls.node("data-1").orElseThrow(), false);
    String ssl = "pekko.remote.artery.ssl.config-ssl-engine.";
    assertEquals("tls-tcp", config.getString("pekko.remote.artery.transport"));
    assertEquals("localhost", config.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(dir.resolve("member.p12").toAbsolutePath().toString(), config.getString(ssl + "key-store"));
    assertEquals(dir.resolve("trust.p12").toAbsolutePath().toString(), config.getString(ssl + "trust-store"));
    assertEquals(password, config.getString(ssl + "key-store-password"));
    assertEquals(password, config.getString(ssl + "trust-store-password"));
    assertTrue(config.getBoolean(ssl + "require-mutual-authentication"));
    assertTrue(config.getBoolean(ssl + "hostname-verification"));
    assertEquals(PeerLoggingSslEngineProvider.class.getName(), config.getString("pekko.remote.artery.ssl.ssl-engine-provider"));
    // The password is read into memory only: the scenario the run keeps names the file.
    assertFalse(tls.render().contains(password));
  }

  @Test
  void aMemberWhoseCertificateDoesNotNameItsAddressIsRefusedBeforeItStarts() throws IOException {
    Path dir = Authorities.made().a;
    Path file = dir.resolve("wrong-address.conf");
    Files.writeString(
        file,
        """
        include file("%s")
        clusteremu.hostname = localhost
        clusteremu.security { tls = on, key-store = seed.p12, trust-store = trust.p12, password-file = password }
        """
            .formatted(Path.of("../config/default.conf").toAbsolutePath().normalize()));
    Scenario tls = ScenarioLoader.load(file);
    ScenarioException e = assertThrows(ScenarioException.class, () -> MemberConfig.forNode(tls, tls.nodes().get(0), false));
    assertTrue(e.getMessage().contains("binds to localhost"), e.getMessage());
  }

  @Test
  void theFirstSeedNodeStartedAgainJoinsThroughTheOthersNotItself() {
    NodeSpec first = scenario.seedNodes().get(0);
    List<String> others = scenario.nodes().stream().filter(n -> n != first).map(scenario::addressOf).toList();
    assertEquals(3, others.size());
    assertEquals(others, seeds(first, true));
  }
}
