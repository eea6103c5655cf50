package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.tiers.time.TimeDilation;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The host and VM lines a node writes an interval, with and without clusteremu.metrics.datacenter-lines. */
class NodeDatacenterLinesTest {
  // h0: itself, two idle VMs and the three tiers (6 lines); h1 and h2: itself and two idle VMs (3 each).
  private static final String SCENARIO =
      """
      clusteremu {
        nodes { n { port = 2552, hosts = [h0, h1, h2] } }
        metrics.datacenter-lines = %d
        datacenter {
          rows { r { racks { k { hosts { h0 {}, h1 {}, h2 {} } } } } }
          vms {
            a0 { host = h0 }, b0 { host = h0 }, a1 { host = h1 }, b1 { host = h1 }, a2 { host = h2 }, b2 { host = h2 }
            dispatcher { host = h0, guest = dispatcher }
            app { host = h0, guest = app-server }
            data { host = h0, guest = data-server }
          }
        }
      }
      """;

  @Test
  void withoutALimitEveryHostAndVmHasItsLineEveryIntervalAndNoSumIsAdded() {
    try (NodeDatacenter datacenter = started(0)) {
      for (int interval = 0; interval < 2; interval++) {
        Map<String, List<String>> lines = byKind(datacenter.lines(1.0));
        assertEquals(List.of("h0", "h1", "h2"), lines.get("host"));
        assertEquals(9, lines.get("vm").size());
        assertTrue(!lines.containsKey("datacenter"));
      }
    }
  }

  @Test
  void pastTheLimitHostsTakeTurnsTheTiersVmsAreAlwaysWrittenAndADatacenterLineSumsThemAll() {
    try (NodeDatacenter datacenter = started(4)) {
      List<Map<String, Object>> first = datacenter.lines(1.0);
      assertEquals(List.of("h0"), byKind(first).get("host"));
      assertEquals(List.of("a0", "app", "b0", "data", "dispatcher"), sorted(byKind(first).get("vm")));
      Map<String, Object> sum = first.stream().filter(l -> l.get("kind").equals("datacenter")).findFirst().orElseThrow();
      assertEquals(3, sum.get("hosts"));
      assertEquals(9, sum.get("vms"));
      assertEquals(1, sum.get("host_lines"));
      assertEquals(5, sum.get("vm_lines"));

      Map<String, List<String>> second = byKind(datacenter.lines(1.0));
      assertEquals(List.of("h1"), second.get("host")); // h1 and h2 together would be 6 lines, past 4
      assertEquals(List.of("a1", "app", "b1", "data", "dispatcher"), sorted(second.get("vm")));
      assertEquals(List.of("h2"), byKind(datacenter.lines(1.0)).get("host"));
      assertEquals(List.of("h0"), byKind(datacenter.lines(1.0)).get("host"));
    }
  }

  private static NodeDatacenter started(int limit) {
    var scenario =
        ScenarioLoader.fromConfig(Path.of("lines-test.conf"), ConfigFactory.parseString(SCENARIO.formatted(limit)), ConfigFactory.defaultReferenceUnresolved());
    Topology topology = scenario.datacenter().orElseThrow();
    NodeDatacenter datacenter =
        new NodeDatacenter(topology, "n", Set.of(), Placement.initial(topology), null, true, TimeDilation.NONE, scenario.config().getInt("clusteremu.metrics.datacenter-lines"));
    for (VmSpec vm : topology.vms().values()) {
      datacenter.startVm(vm, vm.host(), 1);
    }
    return datacenter;
  }

  private static Map<String, List<String>> byKind(List<Map<String, Object>> lines) {
    return lines.stream().collect(Collectors.groupingBy(l -> (String) l.get("kind"), Collectors.mapping(l -> (String) l.get("component"), Collectors.toList())));
  }

  private static List<String> sorted(List<String> names) {
    return names.stream().sorted().toList();
  }
}
