package clusteremu.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioLoader;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleScenarioTest {
  @Test
  void racksAreSplitEvenlyOverTheNodesAndEveryHostIsCarriedOnce() {
    // 105 hosts: 11 racks (the last of five hosts) over 4 nodes: 2, 3, 3 and 3 racks.
    Scenario scenario =
        ScenarioLoader.fromConfig(
            Path.of("scale.conf"),
            ConfigFactory.parseString(ScaleScenario.render(105, 2, 4, "256m", List.of(30001, 30002, 30003, 30004, 30005), 500)),
            ConfigFactory.defaultReferenceUnresolved());
    Topology topology = scenario.datacenter().orElseThrow();
    assertEquals(List.of(20, 30, 30, 25), List.of("scale-1", "scale-2", "scale-3", "scale-4").stream().map(n -> topology.hostsOf(n).size()).toList());
    for (int n = 0; n < 4; n++) {
      assertEquals(topology.hostsOf("scale-" + (n + 1)).size(), ScaleScenario.hostsOf(105, 4, n));
    }
    assertEquals(105 * 2 + 3, topology.vms().size());
    assertEquals(30005, scenario.config().getInt("clusteremu.control.port"));
    assertEquals(500, scenario.config().getInt("clusteremu.metrics.datacenter-lines"));
  }

  @Test
  void freePortsAreDistinctAndNeverAUsersDefault() throws Exception {
    List<Integer> ports = ScaleScenario.freePorts(5);
    assertEquals(5, new HashSet<>(ports).size());
    assertTrue(ports.stream().noneMatch(p -> p == 8558 || (p >= 25521 && p <= 25524)));
  }
}
