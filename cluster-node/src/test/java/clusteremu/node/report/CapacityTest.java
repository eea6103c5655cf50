package clusteremu.node.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.tiers.dispatcher.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The predicted capacities against the arithmetic in config/default.conf. */
class CapacityTest {
  @TempDir Path dir;

  private Capacity capacityOf(String extra) throws IOException {
    Path file = dir.resolve("s.conf");
    Files.writeString(file, "include file(\"" + Path.of("../config/default.conf").toAbsolutePath().normalize() + "\")\n" + extra);
    return Capacity.of(ScenarioLoader.load(file));
  }

  @Test
  void theDefaultScenario() throws IOException {
    Capacity c = capacityOf("");
    assertEquals(1 / 1.6e-3, c.dispatcherProxy(), 1e-6, "1 core / (0.8 ms + 0.8 ms)");
    assertEquals(1 / 0.8e-3, c.dispatcherHandoff(), 1e-6, "1 core / 0.8 ms");
    assertEquals(2 * 2 / 2e-3, c.appTier(), 1e-6, "2 servers x 2 cores / 2 ms");
    assertEquals(1 / 0.5e-3, c.dataTier(), 1e-6, "1 core / 0.5 ms, one call per request");
    assertEquals(625, c.cluster(Mode.PROXY), 1e-6);
    assertEquals("dispatcher", c.bottleneck(Mode.PROXY));
    assertEquals(1250, c.cluster(Mode.HANDOFF), 1e-6);
  }

  @Test
  void moreDataCallsPerRequestNarrowTheDataTier() throws IOException {
    Capacity c = capacityOf("clusteremu.app-server.data-calls = 4\nclusteremu.dispatcher.request-demand = 0ms\nclusteremu.dispatcher.reply-demand = 0ms");
    assertEquals(500, c.dataTier(), 1e-6);
    assertEquals(Double.POSITIVE_INFINITY, c.dispatcherProxy());
    assertEquals("data tier", c.bottleneck(Mode.PROXY));
  }

  @Test
  void perNodeOverridesCount() throws IOException {
    Capacity c = capacityOf("clusteremu.nodes.app-2.app-server.cores = 6");
    assertEquals(2 / 2e-3 + 6 / 2e-3, c.appTier(), 1e-6);
  }
}
