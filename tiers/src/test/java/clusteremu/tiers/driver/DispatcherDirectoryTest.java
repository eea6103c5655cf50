package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DispatcherDirectoryTest {
  private static final Duration LONG = Duration.ofSeconds(10);
  private ActorTestKit kit;
  private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    kit = ActorTestKit.create();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private void register(ActorRef<Dispatcher.Command> dispatcher) {
    TestProbe<Receptionist.Registered> registered = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(Dispatcher.SERVICE_KEY, dispatcher, registered.getRef()));
    registered.receiveMessage();
  }

  private ActorRef<Dispatcher.Command> dispatcherNamed(String name) {
    ActorRef<Dispatcher.Command> dispatcher = kit.spawn(Behaviors.ignore(), name);
    register(dispatcher);
    return dispatcher;
  }

  private ActorRef<DispatcherDirectory.Command> directory(Mode mode, PolicyName policy, Duration wait, TestProbe<DispatcherDirectory.Event> driver) {
    return kit.spawn(DispatcherDirectory.create(mode, policy, wait, progress::add, driver.getRef()));
  }

  @Test
  void keepingTheirModeItIsReadyWithTheFirstDispatchersThenTellsEveryChange() {
    ActorRef<Dispatcher.Command> b = dispatcherNamed("dispatcher-b");
    TestProbe<DispatcherDirectory.Event> driver = kit.createTestProbe();
    directory(null, null, LONG, driver);
    assertEquals(new DispatcherDirectory.Ready(List.of(b)), driver.expectMessageClass(DispatcherDirectory.Ready.class, LONG));

    ActorRef<Dispatcher.Command> a = dispatcherNamed("dispatcher-a");
    assertEquals(new DispatcherDirectory.Changed(List.of(a, b)), driver.expectMessageClass(DispatcherDirectory.Changed.class, LONG), "sorted by address");
    kit.stop(b);
    assertEquals(new DispatcherDirectory.Changed(List.of(a)), driver.expectMessageClass(DispatcherDirectory.Changed.class, LONG), "b left");
    assertEquals(List.of(), progress, "nothing to confirm");
  }

  @Test
  void askedForAModeItIsReadyOnceEveryDispatcherConfirmedIt() {
    TestProbe<Dispatcher.Command> a = kit.createTestProbe();
    TestProbe<Dispatcher.Command> b = kit.createTestProbe();
    register(a.getRef());
    register(b.getRef());
    TestProbe<DispatcherDirectory.Event> driver = kit.createTestProbe();
    directory(Mode.HANDOFF, PolicyName.RANDOM, LONG, driver);
    for (TestProbe<Dispatcher.Command> dispatcher : List.of(a, b)) {
      Dispatcher.Reconfigure asked = dispatcher.expectMessageClass(Dispatcher.Reconfigure.class, LONG);
      assertEquals(Mode.HANDOFF, asked.mode());
      assertEquals(PolicyName.RANDOM, asked.policy());
      asked.replyTo().tell(new Dispatcher.Reconfigured(asked.mode(), asked.policy(), 2));
    }
    DispatcherDirectory.Ready ready = driver.expectMessageClass(DispatcherDirectory.Ready.class, LONG);
    assertEquals(2, ready.dispatchers().size());
    assertEquals(List.of("dispatcher now in mode handoff, policy random, with 2 app server(s)", "dispatcher now in mode handoff, policy random, with 2 app server(s)"), progress);
  }

  @Test
  void aDispatcherThatNeverConfirmsMakesItGiveUpWithoutEverBeingReady() {
    TestProbe<Dispatcher.Command> confirms = kit.createTestProbe();
    TestProbe<Dispatcher.Command> silent = kit.createTestProbe();
    register(confirms.getRef());
    register(silent.getRef());
    TestProbe<DispatcherDirectory.Event> driver = kit.createTestProbe();
    ActorRef<DispatcherDirectory.Command> directory = directory(null, PolicyName.ROUND_ROBIN, Duration.ofSeconds(1), driver);
    Dispatcher.Reconfigure asked = confirms.expectMessageClass(Dispatcher.Reconfigure.class, LONG);
    asked.replyTo().tell(new Dispatcher.Reconfigured(Mode.PROXY, PolicyName.ROUND_ROBIN, 3));
    silent.expectMessageClass(Dispatcher.Reconfigure.class, LONG);

    // The first word to the driver is the give-up: one confirmation of two is not ready.
    assertEquals(
        new DispatcherDirectory.GaveUp("dispatchers did not confirm the requested mode/policy within 1 s"),
        driver.expectMessageClass(DispatcherDirectory.GaveUp.class, LONG));
    assertEquals(List.of("dispatcher now in mode proxy, policy round-robin, with 3 app server(s)"), progress);
    driver.expectTerminated(directory, LONG);
  }

  @Test
  void noDispatcherWithinTheWaitMakesItGiveUp() {
    TestProbe<DispatcherDirectory.Event> driver = kit.createTestProbe();
    directory(null, null, Duration.ofSeconds(1), driver);
    assertEquals(
        new DispatcherDirectory.GaveUp("no dispatcher joined the cluster within 1 s"),
        driver.expectMessageClass(DispatcherDirectory.GaveUp.class, LONG));
  }
}
