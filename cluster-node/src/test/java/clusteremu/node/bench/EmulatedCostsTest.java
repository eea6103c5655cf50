package clusteremu.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks refuse a scenario with an emulated cost that is not zero, and their own scenarios have none. */
class EmulatedCostsTest {
  @TempDir Path dir;

  private static Path config(String name) {
    return Path.of("../config/" + name).toAbsolutePath().normalize();
  }

  private Scenario scenario(String base, String extra) throws IOException {
    Path file = dir.resolve("s.conf");
    Files.writeString(file, "include file(\"" + config(base) + "\")\n" + extra);
    return ScenarioLoader.load(file);
  }

  @Test
  void theBenchmarksOwnScenariosHaveNoEmulatedCost() {
    assertEquals(List.of(), EmulatedCosts.nonZero(ScenarioLoader.load(config("bench.conf"))));
    assertEquals(List.of(), EmulatedCosts.nonZero(ScenarioLoader.load(config("bench-datacenter.conf"))));
  }

  @Test
  void theDefaultScenarioIsRefusedNamingTheDispatchersDemands() {
    Scenario scenario = ScenarioLoader.load(config("default.conf"));
    // The app and data servers' reference.conf demands (2 ms, 0.5 ms) are costs too.
    assertEquals(
        List.of(
            "clusteremu.app-server.demand.mean = 2ms",
            "clusteremu.data-server.demand.mean = 0.5ms",
            "clusteremu.dispatcher.reply-demand = 0.8ms",
            "clusteremu.dispatcher.request-demand = 0.8ms"),
        EmulatedCosts.nonZero(scenario));
    String refusal = EmulatedCosts.refusal(scenario);
    assertTrue(refusal.contains("clusteremu.dispatcher.request-demand = 0.8ms"), refusal);
    assertTrue(!refusal.contains("\n"), "one line: " + refusal);
  }

  @Test
  void aDilatedScenarioIsRefusedEvenWithoutCosts() throws IOException {
    assertNull(EmulatedCosts.refusal(scenario("bench.conf", "")));
    String refusal = EmulatedCosts.refusal(scenario("bench.conf", "clusteremu.time-dilation = 10"));
    assertTrue(refusal != null && refusal.contains("clusteremu.time-dilation = 10.0") && refusal.contains("time-dilation = 1"), refusal);
  }

  @Test
  void aDemandSetForOneNodeOrVmIsFoundToo() throws IOException {
    assertEquals(
        List.of("clusteremu.nodes.app-1.app-server.demand.mean = 1ms"),
        EmulatedCosts.nonZero(scenario("bench.conf", "clusteremu.nodes.app-1.app-server.demand.mean = 1ms")));
    assertEquals(
        List.of("clusteremu.datacenter.vms.dispatcher-1.dispatcher.reply-demand = 50us"),
        EmulatedCosts.nonZero(scenario("bench-datacenter.conf", "clusteremu.datacenter.vms.dispatcher-1.dispatcher.reply-demand = 50us")));
  }

  @Test
  void aLinkLatencyCountsOnlyInADatacenter() throws IOException {
    assertEquals(
        List.of("clusteremu.datacenter.links.rack.latency = 100us", "clusteremu.datacenter.same-host.latency = 5us"),
        EmulatedCosts.nonZero(scenario("bench-datacenter.conf", "clusteremu.datacenter { links.rack.latency = 100us, same-host.latency = 5us }")));
    // Without rows nothing crosses a link: reference.conf's latencies are not costs there.
    assertNull(EmulatedCosts.refusal(ScenarioLoader.load(config("bench.conf"))));
  }
}
