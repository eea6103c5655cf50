package clusteremu.node.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.datacenter.ComponentKind;
import clusteremu.node.run.RecordedAppServer;
import clusteremu.node.run.RecordedComponent;
import clusteremu.node.run.RecordedDataServer;
import clusteremu.node.run.RecordedDemand;
import clusteremu.node.run.RecordedDispatcher;
import clusteremu.node.run.RecordedDriver;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.RunSettings;
import clusteremu.node.run.SettingsFile;
import clusteremu.tiers.appserver.Threading;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What settings.json records of a scenario, and that it reads back as written. */
class LaunchSettingsTest {
  @TempDir Path dir;

  private Scenario scenario(String base, String extra) throws IOException {
    Path file = dir.resolve("s.conf");
    Files.writeString(file, "include file(\"" + Path.of("../config/" + base).toAbsolutePath().normalize() + "\")\n" + extra);
    return ScenarioLoader.load(file);
  }

  /** config/datacenter.conf with VM blocks that override the scenario's settings for their guests. */
  private Scenario datacenter() throws IOException {
    return scenario(
        "datacenter.conf",
        """
        clusteremu.datacenter.vms.dispatcher-1.dispatcher { request-demand = 5ms, mode = handoff, policy = least-outstanding, max-queue = 64 }
        clusteremu.datacenter.vms.app-1.app-server { threading = thread-pool, workers = 4, demand { distribution = lognormal, mean = 3ms, sigma = 0.25 } }
        clusteremu.datacenter.vms.app-2.vcpus = 3
        clusteremu.data-server.replication = 1
        clusteremu.driver.read-ratio = 0.75
        """);
  }

  @Test
  void aDatacenterRecordsEachGuestWithItsVmsSettingsNotTheScenarioDefaults() throws IOException {
    Scenario scenario = datacenter();
    RunSettings settings = LaunchSettings.of(scenario);

    assertEquals(List.of("app-1", "app-2", "data-1", "dispatcher-1"), settings.components().stream().map(RecordedComponent::name).toList(), "VMs by name");
    RecordedDispatcher dispatcher = settings.dispatchers().get(0);
    assertEquals(
        new RecordedDispatcher("dispatcher-1", "rack-a1", "a1-h1", 1, Mode.HANDOFF, PolicyName.LEAST_OUTSTANDING, 5.0, 0.8, 2000, 64, 30_000.0, 0, false, 1),
        dispatcher);
    // What the report used to read for a datacenter: the node's block, the scenario's defaults.
    var node = scenario.node("rack-a1").orElseThrow().componentSettings(ComponentKind.DISPATCHER);
    assertEquals("0.8ms / proxy / round-robin", node.getString("request-demand") + " / " + node.getString("mode") + " / " + node.getString("policy"));

    assertEquals(
        new RecordedAppServer("app-1", "rack-a1", "a1-h2", 2, Threading.THREAD_POOL, 4, 0, 4, new RecordedDemand("lognormal", 3.0, 0.25), 1, 1000, 2000.0, 2),
        component(settings, "app-1"));
    assertEquals(
        new RecordedAppServer("app-2", "rack-a2", "a2-h1", 3, Threading.EVENT_DRIVEN, 8, 0, 3, new RecordedDemand("exponential", 2.0, 0), 1, 1000, 2000.0, 2),
        component(settings, "app-2"),
        "3 vCPUs, not the scenario's app-server.cores = 2: an event loop per vCPU");
    assertEquals(new RecordedDataServer("data-1", "rack-b1", "b1-h1", 1, new RecordedDemand("exponential", 0.5, 0), 1000, 3), component(settings, "data-1"));
    assertEquals(1, settings.replication());
    assertEquals(new RecordedDriver(200, 0, 0.75, 10_000, 0), settings.driver());
    assertEquals("s", settings.scenario());
  }

  @Test
  void nodesRecordTheirComponentsAsTheirOwnHostsByPort() throws IOException {
    RunSettings settings = LaunchSettings.of(scenario("default.conf", "clusteremu.nodes.app-2.app-server.cores = 6"));
    assertEquals(
        List.of("dispatcher-1@dispatcher-1/dispatcher-1 x1", "app-1@app-1/app-1 x2", "app-2@app-2/app-2 x6", "data-1@data-1/data-1 x1"),
        settings.components().stream().map(c -> c.name() + "@" + c.node() + "/" + c.host() + " x" + c.cores()).toList());
    assertEquals(0.8, settings.dispatchers().get(0).replyDemandMs());
    assertEquals(800_000, settings.dispatchers().get(0).replyDemandNanos());
  }

  @Test
  void readsBackWhatItWrote() throws IOException {
    RunSettings written = LaunchSettings.of(datacenter());
    RunDirectory run = new RunDirectory(dir);
    SettingsFile.write(run.settings(), written);
    assertEquals(written, SettingsFile.read(run));
    String json = Files.readString(run.settings());
    assertTrue(json.contains("\"kind\" : \"dispatcher\""), json);
    assertTrue(json.contains("\"mode\" : \"handoff\""), json);
    assertTrue(json.contains("\"threading\" : \"thread-pool\""), json);
    assertTrue(json.contains("\"request_demand_ms\" : 5.0"), json);
  }

  private static RecordedComponent component(RunSettings settings, String name) {
    return settings.components().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }
}
