package clusteremu.node.launch;

import clusteremu.node.scenario.Machine;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.security.PeerLoggingSslEngineProvider;
import clusteremu.node.security.TlsStores;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pekko configuration of one cluster member: its address, port and roles, and its transport
 * (TLS with the member's machine's stores when the scenario asks for it) applied last, over the
 * scenario's own {@code pekko} settings, over the members' threads ({@code member-threads.conf}),
 * over the defaults of every module.
 */
public final class MemberConfig {
  private static final String SSL = "pekko.remote.artery.ssl.config-ssl-engine.";
  /** One pool of threads for actors, remoting and TCP (why: the file's comment), under the scenario's {@code pekko}. */
  static final Config THREADS = ConfigFactory.parseResourcesAnySyntax("member-threads.conf");

  private MemberConfig() {}

  /**
   * For a node of the scenario: a node that is downed or shut down exits its JVM. A node started
   * again into a running cluster ({@code rejoining}) joins it through every other node instead of
   * the scenario's seed nodes: were it the first seed node itself, Pekko would have it found a
   * cluster of its own, an island the others never see.
   */
  public static Config forNode(Scenario scenario, NodeSpec node, boolean rejoining) {
    Config member =
        ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on")
            .withFallback(forMember(scenario, scenario.machineOf(node), node.port(), node.roles()));
    List<String> others =
        scenario.nodes().stream().filter(other -> !other.name().equals(node.name())).map(scenario::addressOf).toList();
    return rejoining && !others.isEmpty()
        ? member.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(others))
        : member;
  }

  /** For any member on {@code machine}, e.g. the driver on port 0 (any free port) with role {@code driver}. */
  public static Config forMember(Scenario scenario, Machine machine, int port, List<String> roles) {
    List<String> seeds = scenario.seedNodes().stream().map(scenario::addressOf).toList();
    return transport(scenario, machine)
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(machine.address()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withFallback(scenario.pekkoOverrides())
        .withFallback(ConfigFactory.defaultOverrides()) // -D settings of a node's jvm-options, over the threads
        .withFallback(THREADS)
        .withFallback(ConfigFactory.load());
  }

  /**
   * Plain TCP, or TLS 1.3 with mutual authentication and host name verification: a member presents
   * its machine's certificate and accepts only peers whose certificates the scenario's authority
   * issued for the address they were dialled at. The stores are checked first (Pekko would notice
   * a missing one only at the first connection, and then hang in shutdown), and the password is
   * read from its file here, into memory only.
   */
  static Config transport(Scenario scenario, Machine machine) {
    if (!scenario.security().tls()) {
      return ConfigFactory.empty();
    }
    TlsStores stores = scenario.tlsStores(machine);
    stores.check(machine.address(), Instant.now());
    String password = stores.password();
    Map<String, Object> tls = new LinkedHashMap<>();
    tls.put("pekko.remote.artery.transport", "tls-tcp");
    tls.put("pekko.remote.artery.ssl.ssl-engine-provider", PeerLoggingSslEngineProvider.class.getName());
    tls.put(SSL + "key-store", stores.keyStore().toString());
    tls.put(SSL + "trust-store", stores.trustStore().toString());
    tls.put(SSL + "key-store-password", password);
    tls.put(SSL + "key-password", password);
    tls.put(SSL + "trust-store-password", password);
    tls.put(SSL + "protocol", "TLSv1.3");
    tls.put(SSL + "require-mutual-authentication", true);
    tls.put(SSL + "hostname-verification", true);
    return ConfigFactory.parseMap(tls, "clusteremu.security of " + scenario.file());
  }
}
