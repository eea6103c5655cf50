package clusteremu.node.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.RunSettings;
import clusteremu.node.run.SettingsFile;
import clusteremu.node.scenario.LaunchSettings;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.tiers.dispatcher.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The predicted capacities against the arithmetic in config/default.conf and config/datacenter.conf. */
class CapacityTest {
  @TempDir Path dir;

  private RunSettings settingsOf(String base, String extra) throws IOException {
    Path file = dir.resolve("s.conf");
    Files.writeString(file, "include file(\"" + Path.of("../config/" + base).toAbsolutePath().normalize() + "\")\n" + extra);
    return LaunchSettings.of(ScenarioLoader.load(file));
  }

  private Capacity capacityOf(String extra) throws IOException {
    return Capacity.of(settingsOf("default.conf", extra));
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
  void theSameFromTheSettingsARunWroteDown() throws IOException {
    RunDirectory run = new RunDirectory(dir);
    SettingsFile.write(run.settings(), settingsOf("default.conf", ""));
    assertEquals(new Capacity(625, 1250, 2000, 2000), Capacity.of(SettingsFile.read(run)));
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

  @Test
  void replicatedWritesCostTheDataTierTwiceAtTheReadRatio() throws IOException {
    Capacity c = capacityOf("clusteremu.nodes.data-2 { port = 25525, components = [data-server] }\nclusteremu.data-server.replication = 2\nclusteremu.driver.read-ratio = 0.75");
    assertEquals(2 * (1 / 0.5e-3) / (1 + 0.25), c.dataTier(), 1e-6, "2 servers x 2000 over 1.25 accesses per call");
  }

  @Test
  void aDatacenterCountsEachGuestWithItsVmsVcpusAndSettings() throws IOException {
    Capacity c =
        Capacity.of(
            settingsOf(
                "datacenter.conf",
                "clusteremu.datacenter.vms.dispatcher-1.dispatcher.request-demand = 5ms\nclusteremu.datacenter.vms.app-2.vcpus = 3"));
    assertEquals(1 / 5.8e-3, c.dispatcherProxy(), 1e-6, "1 vCPU / (5 ms + 0.8 ms)");
    assertEquals(200, c.dispatcherHandoff(), 1e-6, "1 vCPU / 5 ms");
    assertEquals((2 + 3) / 2e-3, c.appTier(), 1e-6, "2 + 3 vCPUs / 2 ms");
  }
}
