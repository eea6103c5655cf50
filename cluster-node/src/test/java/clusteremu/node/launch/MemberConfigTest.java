package clusteremu.node.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
  void theFirstSeedNodeStartedAgainJoinsThroughTheOthersNotItself() {
    NodeSpec first = scenario.seedNodes().get(0);
    List<String> others = scenario.nodes().stream().filter(n -> n != first).map(scenario::addressOf).toList();
    assertEquals(3, others.size());
    assertEquals(others, seeds(first, true));
  }
}
