package clusteremu.node.datacenter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.scenario.Scenario;
import clusteremu.node.config.ScenarioException;
import clusteremu.node.scenario.ScenarioLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The datacenter block: what it builds, and every way it can be wrong named by its key. */
class TopologyLoaderTest {
  static final Path DATACENTER = Path.of("../config/datacenter.conf");

  @TempDir Path dir;

  private Path overDatacenter(String extra) throws IOException {
    Path file = dir.resolve("dc.conf");
    Files.writeString(file, "include file(\"" + DATACENTER.toAbsolutePath().normalize() + "\")\n" + extra + "\n");
    return file;
  }

  private String error(String extra) throws IOException {
    Path file = overDatacenter(extra);
    return assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file)).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
    }
  }

  @Test
  void theShippedDatacenterHasRowsRacksHostsAndGuests() {
    Scenario scenario = ScenarioLoader.load(DATACENTER);
    Topology topology = scenario.datacenter().orElseThrow();
    assertEquals(List.of("a1-h1", "a1-h2"), topology.hostsOf("rack-a1").stream().map(HostSpec::name).toList());
    assertEquals(2, scenario.count(ComponentKind.APP_SERVER));
    assertEquals(List.of(ComponentKind.DISPATCHER, ComponentKind.APP_SERVER), scenario.node("rack-a1").orElseThrow().components());
    VmSpec data = topology.vm("data-1").orElseThrow();
    assertEquals(8L << 30 >> 12, data.pages(), "8 GiB in 4 KiB pages");
    assertEquals(4, topology.hosts().get("b1-h1").cores());
    assertEquals(1.25e9, topology.hosts().get("a1-h1").link().bytesPerSecond(), 1, "10 Gbit/s in bytes");
  }

  @Test
  void routesClimbOnlyAsHighAsTheyMust() {
    Topology t = ScenarioLoader.load(DATACENTER).datacenter().orElseThrow();
    assertEquals(5_000, t.route("a1-h1", "a1-h1").latencyNanos());
    assertEquals(100_000, t.route("a1-h1", "a1-h2").latencyNanos());
    assertEquals(300_000, t.route("a1-h1", "a2-h1").latencyNanos());
    assertEquals(800_000, t.route("a1-h1", "b1-h1").latencyNanos());
    assertEquals(
        List.of("up:host:a1-h1", "up:rack:a1", "up:row:row-a", "down:row:row-b", "down:rack:b1", "down:host:b1-h1"),
        t.route("a1-h1", "b1-h1").hops().stream().map(Route.Hop::link).toList());
    assertEquals(
        List.of("in:border", "down:row:row-a", "down:rack:a1", "down:host:a1-h1"),
        t.route(Topology.OUTSIDE, "a1-h1").hops().stream().map(Route.Hop::link).toList());
    assertEquals(1_400_000, t.route("a1-h1", Topology.OUTSIDE).latencyNanos());
  }

  @Test
  void aVmOnAnUnknownHostIsNamed() throws IOException {
    assertMentions(
        error("clusteremu.datacenter.vms.app-2.host = a9-h9"),
        "clusteremu.datacenter.vms.app-2.host is 'a9-h9', an unknown host", "expected one of: a1-h1");
  }

  @Test
  void overcommittedMemoryIsRefusedWithTheVmsThatAskedForIt() throws IOException {
    assertMentions(
        error("clusteremu.datacenter.vms.big { host = b1-h1, memory = 30GiB }"),
        "host 'b1-h1' has 32 GiB of memory but its VMs ask 38 GiB (big 30 GiB, data-1 8 GiB)",
        "memory is not overcommitted");
  }

  @Test
  void aHostInTwoRacksIsRefused() throws IOException {
    assertMentions(
        error("clusteremu.datacenter.rows.row-b.racks.b1.hosts.a1-h2 {}"),
        "host 'a1-h2' is in rack 'a1' and in rack 'b1'", "expected each host in exactly one rack");
  }

  @Test
  void aNegativeBandwidthIsRefusedNamingTheLink() throws IOException {
    assertMentions(
        error("clusteremu.datacenter.links.rack.bandwidth = \"-40Gbit\""),
        "bandwidth", "expected a bandwidth above zero such as 10Gbit", "clusteremu.datacenter.links.rack");
    assertMentions(
        error("clusteremu.datacenter.rows.row-a.racks.a2.uplink { bandwidth = 0Gbit }"),
        "expected a bandwidth above zero", "rows.row-a.racks.a2.uplink");
  }

  @Test
  void moreVcpusThanTheHostHasCoresIsRefused() throws IOException {
    assertMentions(
        error("clusteremu.datacenter.vms.data-1.vcpus = 5"),
        "vms.data-1.vcpus is 5 but host 'b1-h1' has 4 cores");
  }

  @Test
  void unknownKeysAndGuestsAreNamed() throws IOException {
    assertMentions(error("clusteremu.datacenter.vms.app-1.vcpu = 2"), "dc.conf:2: unknown key 'clusteremu.datacenter.vms.app-1.vcpu'; did you mean 'vcpus'?");
    assertMentions(error("clusteremu.datacenter.vms.app-1.guest = web"), "guest is 'web'; expected none or one of: dispatcher, app-server, data-server");
    assertMentions(
        error("clusteremu.datacenter.rows.row-a.racks.a1.hosts.a1-h1.ram = 1GiB"),
        "dc.conf:2: unknown key 'clusteremu.datacenter.rows.row-a.racks.a1.hosts.a1-h1.ram'; expected one of: cores, link, memory");
    assertMentions(
        error("clusteremu.datacenter.rows.row-a.racks.a2.uplink { bandwith = 1Gbit }"),
        "dc.conf:2: unknown key 'clusteremu.datacenter.rows.row-a.racks.a2.uplink.bandwith'; did you mean 'bandwidth'?");
    assertMentions(
        error("clusteremu.datacenter.rows.row-a = big"),
        "dc.conf:2: 'clusteremu.datacenter.rows.row-a' is \"big\" (a string); expected an object");
  }

  @Test
  void aTypoInTheShippedDatacenterNamesItsFileAndLine() throws IOException {
    String typo = Files.readString(DATACENTER).replace("b1-h1 { cores = 4, memory = 32GiB }", "b1-h1 { cores = 4, memroy = 32GiB }");
    int line = (int) typo.substring(0, typo.indexOf("memroy")).lines().count();
    Path file = dir.resolve("datacenter.conf");
    Files.writeString(file, typo);
    assertEquals(
        file + ":" + line + ": unknown key 'clusteremu.datacenter.rows.row-b.racks.b1.hosts.b1-h1.memroy'; did you mean 'memory'?",
        assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file)).getMessage());
  }

  @Test
  void aBlockBuiltFromAnotherBySubstitutionIsCheckedWhole() throws IOException {
    assertMentions(
        error("clusteremu.datacenter.vms.app-3 = ${clusteremu.datacenter.vms.app-1} { vcpu = 4 }"),
        "dc.conf:2: unknown key 'clusteremu.datacenter.vms.app-3.vcpu'; did you mean 'vcpus'?");
  }

  @Test
  void aVmMayOverrideEveryKindOfGuest() throws IOException {
    for (ComponentKind kind : ComponentKind.values()) {
      ScenarioLoader.load(overDatacenter("clusteremu.datacenter.vms.app-1." + kind.configName() + ".seed = 7"));
    }
  }

  @Test
  void everyHostIsCarriedByExactlyOneNode() throws IOException {
    String shipped = Files.readString(DATACENTER);
    int b1h1 = (int) shipped.substring(0, shipped.indexOf("b1-h1 {")).lines().count();
    assertMentions(
        error("clusteremu.nodes.rack-b1.racks = []"),
        DATACENTER.toAbsolutePath().normalize() + ":" + b1h1 + ": host 'b1-h1' (rack 'b1') is carried by no node");
    assertMentions(error("clusteremu.nodes.rack-b1.hosts = [a1-h1]"), "host 'a1-h1' is carried by node 'rack-a1' and by node 'rack-b1'");
    assertMentions(error("clusteremu.nodes.rack-b1.racks = [c1]"), "clusteremu.nodes.rack-b1.racks has 'c1', an unknown rack");
    assertMentions(
        error("clusteremu.nodes.rack-b1.components = [data-server]"),
        "components is [data-server] but the scenario has a datacenter; expected components = []");
  }
}
