package clusteremu.node.datacenter.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.TestKits;
import clusteremu.node.Await;
import clusteremu.node.Guests;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.emulation.NodeDatacenter;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.node.datacenter.vm.Vm;
import clusteremu.node.metrics.MetricsLog;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.dataserver.Partitioning;
import clusteremu.tiers.metrics.ComponentCounters;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A Host actor on the real emulation: it runs the VMs placed on it, each with its guest listed
 * and reachable by the VM's name, and a VM it stops gives back its vCPUs and pages and is listed
 * no more.
 */
class HostTest {
  private static final ActorTestKit kit = TestKits.onFreePort();
  private static NodeDatacenter datacenter;
  private static MetricsLog metrics;

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
    if (metrics != null) {
      metrics.close();
    }
    if (datacenter != null) {
      datacenter.close();
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    Await.until(Duration.ofSeconds(15), condition, what);
  }

  private static int appServersListed() {
    TestProbe<Receptionist.Listing> listing = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.find(AppServer.SERVICE_KEY, listing.getRef()));
    return listing.receiveMessage().getServiceInstances(AppServer.SERVICE_KEY).size();
  }

  @Test
  void aHostRunsItsVmsAndAStoppedVmGivesBackWhatItHeld() throws Exception {
    var scenario =
        ScenarioLoader.fromConfig(
            Path.of("host-test.conf"),
            ConfigFactory.parseString(
                """
                clusteremu {
                  nodes { n { port = 2552, hosts = [h] } }
                  datacenter {
                    rows { r { racks { k { hosts { h { cores = 4 } } } } } }
                    vms {
                      app { host = h, vcpus = 2, guest = app-server }
                      data { host = h, vcpus = 1, guest = data-server }
                      dispatcher { host = h, guest = dispatcher }
                    }
                  }
                }
                """),
            ConfigFactory.defaultReferenceUnresolved());
    Topology topology = scenario.datacenter().orElseThrow();
    Placement placement = Placement.initial(topology);
    VmAddresses addresses = new VmAddresses(placement, "n", Map.of("n", kit.system().address().toString()), ActorRefResolver.get(kit.system()));
    datacenter = new NodeDatacenter(topology, "n", Set.of(), placement, addresses, true);
    metrics = new MetricsLog(Files.createTempDirectory("host-test").resolve("n.jsonl"), "n", Duration.ofMinutes(10));
    Map<String, ComponentCounters> counters = new ConcurrentHashMap<>();
    Vm.Services services = new Vm.Services(datacenter, addresses, new Guests(metrics, counters, new Partitioning(List.of("data")), false));
    ActorRef<Host.Command> host =
        kit.spawn(Host.create(topology.hosts().get("h"), List.of(topology.vms().get("app"), topology.vms().get("data")), services), VmAddresses.hostActorName("h"));

    await(() -> addresses.guestOf("app").isPresent() && addresses.guestOf("data").isPresent(), "both guests started");
    assertEquals("/user/host-h/app/guest", addresses.guestOf("app").orElseThrow().path().toStringWithoutAddress());
    await(() -> appServersListed() == 1, "the app server is listed");
    await(() -> datacenter.hosts().get("h").vms().size() == 2, "both VMs hold vCPUs on the host");

    TestProbe<Host.VmStopped> stopped = kit.createTestProbe();
    host.tell(new Host.StopVm("app", stopped.getRef()));
    assertEquals(new Host.VmStopped("app", true), stopped.receiveMessage());
    assertFalse(datacenter.machines().containsKey("app"), "its pages are gone");
    assertTrue(addresses.guestOf("app").isEmpty(), "its name leads nowhere on this node");
    await(() -> datacenter.hosts().get("h").vms().size() == 1, "its vCPUs are given back");
    await(() -> appServersListed() == 0, "it is listed no more");
    host.tell(new Host.StopVm("app", stopped.getRef()));
    assertEquals(new Host.VmStopped("app", false), stopped.receiveMessage(), "not there any more");

    TestProbe<clusteremu.node.datacenter.vm.Vm.Started> started = kit.createTestProbe();
    host.tell(new Host.StartVm(topology.vms().get("dispatcher"), null, null, started.getRef()));
    clusteremu.node.datacenter.vm.Vm.Started dispatcher = started.receiveMessage();
    assertEquals(null, dispatcher.refusal());
    assertEquals("/user/host-h/dispatcher/guest", dispatcher.guest().path().toStringWithoutAddress());
    host.tell(new Host.StartVm(topology.vms().get("data"), null, null, started.getRef()));
    assertEquals("VM data already runs on host h", started.receiveMessage().refusal(), "nothing changes");

    // Room: 4 cores; data (1 vCPU) and the extra VM (1) hold 2; three more do not fit, nor 64 GiB of memory.
    TestProbe<Host.Reserved> reserved = kit.createTestProbe();
    var extra = new clusteremu.node.datacenter.VmSpec("extra", "h", 1, 1L << 30, 262144, java.util.Optional.empty(), ConfigFactory.empty(), 0, 1);
    host.tell(new Host.StopVm("dispatcher", stopped.getRef()));
    stopped.receiveMessage();
    host.tell(new Host.Reserve(extra, reserved.getRef()));
    assertEquals(null, reserved.receiveMessage().refusal(), "room for one vCPU after the dispatcher left");
    host.tell(new Host.Reserve(new clusteremu.node.datacenter.VmSpec("more", "h", 3, 1L << 30, 262144, java.util.Optional.empty(), ConfigFactory.empty(), 0, 1), reserved.getRef()));
    assertEquals("host h has 2 cores free, VM more needs 3", reserved.receiveMessage().refusal());
    host.tell(new Host.Reserve(new clusteremu.node.datacenter.VmSpec("big", "h", 1, 64L << 30, 1L << 24, java.util.Optional.empty(), ConfigFactory.empty(), 0, 1), reserved.getRef()));
    assertEquals("host h has 62464 MiB of memory free, VM big needs 65536 MiB", reserved.receiveMessage().refusal(), "data 2 GiB and extra 1 GiB of 64 held");
    host.tell(new Host.Reserve(extra, reserved.getRef()));
    assertEquals("VM extra already runs on, or is on its way to, host h", reserved.receiveMessage().refusal());

  }
}
