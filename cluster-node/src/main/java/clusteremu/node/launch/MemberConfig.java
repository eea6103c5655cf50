package clusteremu.node.launch;

import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * The Pekko configuration of one cluster member: its port and roles applied last, over the
 * scenario's own {@code pekko} settings, over the defaults of every module.
 */
public final class MemberConfig {
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
            .withFallback(forMember(scenario, node.port(), node.roles()));
    List<String> others =
        scenario.nodes().stream().filter(other -> !other.name().equals(node.name())).map(scenario::addressOf).toList();
    return rejoining && !others.isEmpty()
        ? member.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(others))
        : member;
  }

  /** For any member, e.g. the driver on port 0 (any free port) with role {@code driver}. */
  public static Config forMember(Scenario scenario, int port, List<String> roles) {
    List<String> seeds = scenario.seedNodes().stream().map(scenario::addressOf).toList();
    return ConfigFactory.empty()
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(scenario.hostname()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withFallback(scenario.pekkoOverrides())
        .withFallback(ConfigFactory.load());
  }
}
