package clusteremu.node.datacenter.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.Await;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Placement across two real cluster members (two actor systems in this JVM, Artery over
 * 127.0.0.1 on free ports): a VM placed on another host from one member is found there by the
 * other, and a VM's name turns into its guest's path on the node that carries its new host.
 */
class PlacementReplicaTest {
  private static final Config CONFIG =
      ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0\npekko.loglevel = WARNING").withFallback(ConfigFactory.load());

  private static ActorSystem<Void> first;
  private static ActorSystem<Void> second;
  private static final Map<String, String> HOSTS = Map.of("h1", "n1", "h2", "n2");
  private static final Placement onFirst = new Placement(Map.of("vm-1", "h1", "vm-2", "h1"), HOSTS);
  private static final Placement onSecond = new Placement(Map.of("vm-1", "h1", "vm-2", "h1"), HOSTS);
  private static ActorRef<PlacementReplica.Command> replicaOnFirst;

  @BeforeAll
  static void formCluster() {
    first = ActorSystem.create(Behaviors.empty(), "placement-test", CONFIG);
    second = ActorSystem.create(Behaviors.empty(), "placement-test", CONFIG);
    Cluster.get(first).manager().tell(Join.create(Cluster.get(first).selfMember().address()));
    Cluster.get(second).manager().tell(Join.create(Cluster.get(first).selfMember().address()));
    await(Duration.ofSeconds(30), () -> upMembers(first) == 2 && upMembers(second) == 2, "both members Up");
    replicaOnFirst = first.systemActorOf(PlacementReplica.create(onFirst), "placement", Props.empty());
    second.systemActorOf(PlacementReplica.create(onSecond), "placement", Props.empty());
  }

  @AfterAll
  static void stop() {
    ActorTestKit.shutdown(second);
    ActorTestKit.shutdown(first);
  }

  private static long upMembers(ActorSystem<?> system) {
    long up = 0;
    for (var member : Cluster.get(system).state().getMembers()) {
      if (member.status().equals(MemberStatus.up())) {
        up++;
      }
    }
    return up;
  }

  private static void await(Duration limit, BooleanSupplier condition, String what) {
    Await.until(limit, condition, what);
  }

  @Test
  void aVmPlacedFromOneMemberIsFoundAtItsNewHostByTheOther() {
    ActorTestKit kit = ActorTestKit.create(first);
    TestProbe<PlacementReplica.Placed> placed = kit.createTestProbe();
    replicaOnFirst.tell(new PlacementReplica.Place("vm-1", "h2", null, placed.getRef()));
    assertEquals(new PlacementReplica.Placed("vm-1", "h2", 1, true), placed.receiveMessage(Duration.ofSeconds(10)));
    assertEquals("h2", onFirst.hostOf("vm-1"), "the member that placed it");
    await(Duration.ofSeconds(20), () -> "h2".equals(onSecond.hostOf("vm-1")), "the other member follows");
    assertEquals("h1", onSecond.hostOf("vm-2"), "and nothing else moved");
  }

  @Test
  void aVmsNameLeadsToItsGuestOnTheNodeOfItsHost() {
    String firstAddress = first.address().toString();
    String secondAddress = second.address().toString();
    Placement placement = new Placement(Map.of("vm-3", "h2"), HOSTS);
    VmAddresses addresses = new VmAddresses(placement, "n1", Map.of("n1", firstAddress, "n2", secondAddress), ActorRefResolver.get(first));
    assertEquals(secondAddress + "/user/host-h2/vm-3/guest", addresses.guestOf("vm-3").orElseThrow().path().toString());
    assertEquals("vm-3", VmAddresses.vmOf(addresses.guestOf("vm-3").orElseThrow()));
    // Once the VM has moved, placement carries its guest's exact incarnation: a VM that comes back
    // to a host it left gets a new actor at the old path.
    placement.placeVm("vm-3", "h2", secondAddress + "/user/host-h2/vm-3/guest#42");
    assertEquals(42, addresses.guestOf("vm-3").orElseThrow().path().uid());
    placement.placeVm("vm-3", "h2", secondAddress + "/user/host-h2/vm-3.2/guest#43"); // back again, a later incarnation
    assertEquals("vm-3.2", addresses.guestOf("vm-3").orElseThrow().path().parent().name());
    assertEquals("vm-3", VmAddresses.vmOf(addresses.guestOf("vm-3").orElseThrow()));
    placement.placeVm("vm-3", "h1"); // now on this node, where no guest of that name has started
    assertTrue(addresses.guestOf("vm-3").isEmpty(), "a local guest is only found once it has started");
    assertTrue(addresses.guestOf("no-such-vm").isEmpty());
    assertNull(VmAddresses.vmOf(first.deadLetters()), "not a guest");
  }
}
