package clusteremu.node.datacenter.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import clusteremu.node.TestKits;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.emulation.NodeDatacenter;
import clusteremu.node.datacenter.emulation.VmMachine;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.node.scenario.ScenarioLoader;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shell passes a guest's messages through while it runs, holds them while it is paused,
 * and follows the guest's own changes of behaviour: a guest that returns itself stays as it is,
 * one that returns another behaviour goes on with that one, one that stops stops.
 */
class GuestShellTest {
  private static final ActorTestKit kit = TestKits.onFreePort();
  private static NodeDatacenter datacenter;
  private static VmMachine machine;

  @BeforeAll
  static void start() {
    var scenario =
        ScenarioLoader.fromConfig(
            Path.of("guest-shell-test.conf"),
            ConfigFactory.parseString(
                """
                clusteremu {
                  nodes { n { port = 2552, hosts = [h] } }
                  datacenter {
                    rows { r { racks { k { hosts { h {} } } } } }
                    # the guests a scenario must have; only v is started here
                    vms { v { host = h }, d { host = h, guest = dispatcher }, a { host = h, guest = app-server }, s { host = h, guest = data-server } }
                  }
                }
                """),
            ConfigFactory.defaultReferenceUnresolved());
    Topology topology = scenario.datacenter().orElseThrow();
    Placement placement = Placement.initial(topology);
    VmAddresses addresses = new VmAddresses(placement, "n", Map.of("n", kit.system().address().toString()), ActorRefResolver.get(kit.system()));
    datacenter = new NodeDatacenter(topology, "n", Set.of(), placement, addresses, true);
    machine = datacenter.startVm(topology.vms().get("v"), "h", 1);
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
    datacenter.close();
  }

  /** Tells the probe each message with its name; "switch" goes on as a guest named "after"; "stop" stops. */
  private static final class Guest extends AbstractBehavior<Object> {
    private final String name;
    private final ActorRef<String> seen;

    Guest(ActorContext<Object> context, String name, ActorRef<String> seen) {
      super(context);
      this.name = name;
      this.seen = seen;
    }

    @Override
    public Receive<Object> createReceive() {
      return newReceiveBuilder()
          .onMessage(
              String.class,
              text -> {
                seen.tell(name + ":" + text);
                if (text.equals("switch")) {
                  return new Guest(getContext(), "after", seen);
                }
                return text.equals("stop") ? Behaviors.stopped() : this;
              })
          .build();
    }
  }

  @Test
  void messagesPassHeldWhilePausedAndTheGuestsOwnBehaviourIsFollowed() {
    TestProbe<String> seen = kit.createTestProbe();
    Behavior<Object> guest = Behaviors.setup(context -> new Guest(context, "before", seen.getRef()));
    ActorRef<Object> shell = kit.spawn(GuestShell.around(guest, machine));

    shell.tell("a");
    shell.tell("b");
    assertEquals("before:a", seen.receiveMessage());
    assertEquals("before:b", seen.receiveMessage());

    TestProbe<GuestShell.Paused> paused = kit.createTestProbe();
    shell.tell(new GuestShell.Pause(paused.getRef()));
    assertNull(paused.receiveMessage().state(), "nothing carried by this VM");
    shell.tell("held");
    seen.expectNoMessage(Duration.ofMillis(200));
    shell.tell(new GuestShell.Resume());
    assertEquals("before:held", seen.receiveMessage());

    shell.tell("switch");
    assertEquals("before:switch", seen.receiveMessage());
    shell.tell("c");
    shell.tell("d");
    assertEquals("after:c", seen.receiveMessage(), "the guest's new behaviour");
    assertEquals("after:d", seen.receiveMessage(), "and it stays");

    TestProbe<Object> watcher = kit.createTestProbe();
    shell.tell("stop");
    assertEquals("after:stop", seen.receiveMessage());
    watcher.expectTerminated(shell);
  }
}
