package clusteremu.node.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.driver.Driver;
import clusteremu.tiers.driver.LoadSettings;
import clusteremu.tiers.driver.Summary;
import clusteremu.tiers.machine.Outbound;
import clusteremu.tiers.protocol.Reply;
import com.typesafe.config.ConfigFactory;
import clusteremu.tiers.time.TimeDilation;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The phase runner against a dispatcher that answers everything ok, in one local JVM (no ports). */
class PhaseRunnerTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  private ActorTestKit kit;
  private final AtomicLong received = new AtomicLong();

  @BeforeEach
  void start() {
    // Local: no cluster, so no Distributed Data, and no port taken.
    kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local, pekko.extensions = []").withFallback(ConfigFactory.load()));
    ActorRef<Dispatcher.Command> dispatcher =
        kit.spawn(
            Behaviors.receive(Dispatcher.Command.class)
                .onMessage(
                    Dispatcher.Submit.class,
                    submit -> {
                      received.incrementAndGet();
                      submit.client().tell(Reply.ok(submit.requestId()));
                      return Behaviors.same();
                    })
                .build());
    TestProbe<Receptionist.Registered> registered = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(Dispatcher.SERVICE_KEY, dispatcher, registered.getRef()));
    registered.receiveMessage();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** Evenly spaced at 100 req/s for {@code duration}, no warm-up. */
  private static LoadSettings load(Duration duration) {
    return new LoadSettings(100, LoadSettings.Arrivals.CONSTANT, 0, Duration.ZERO, duration, Duration.ZERO,
        Duration.ofSeconds(5), 0.5, 100, 1, 1000, 0, null, null);
  }

  private Summary run(ActorRef<PhaseRunner.Command> runner, LoadSettings load) {
    TestProbe<Driver.Outcome> outcome = kit.createTestProbe();
    runner.tell(new PhaseRunner.RunPhase(load, new Driver.Output(line -> {}, null), outcome.getRef()));
    return outcome.expectMessageClass(Driver.Completed.class, LONG).summary();
  }

  @Test
  void eachPhaseIsAFreshDriverWhoseSummaryGoesToItsAsker() {
    ActorRef<PhaseRunner.Command> runner = kit.spawn(PhaseRunner.create(Outbound.DIRECT, TimeDilation.NONE));
    // Arrivals at 0, 10, ..., 290 ms.
    Summary first = run(runner, load(Duration.ofMillis(300)));
    assertEquals(30, first.sent());
    assertEquals(30, first.ok());
    runner.tell(PhaseRunner.InterruptPhase.INSTANCE); // between phases: nothing to stop
    Summary second = run(runner, load(Duration.ofMillis(300)));
    assertEquals(30, second.sent(), "counted afresh");
    assertFalse(second.interrupted());
    assertEquals(60, received.get());
  }

  @Test
  void anInterruptEndsThePhaseUnderWayWhichStillReportsWhatItMeasured() {
    ActorRef<PhaseRunner.Command> runner = kit.spawn(PhaseRunner.create(Outbound.DIRECT, TimeDilation.NONE));
    TestProbe<Driver.Outcome> outcome = kit.createTestProbe();
    runner.tell(new PhaseRunner.RunPhase(load(Duration.ofMinutes(10)), new Driver.Output(line -> {}, null), outcome.getRef()));
    outcome.awaitAssert(LONG, () -> {
      assertTrue(received.get() >= 10, "received " + received.get());
      return null;
    });
    runner.tell(PhaseRunner.InterruptPhase.INSTANCE);
    Summary summary = outcome.expectMessageClass(Driver.Completed.class, LONG).summary();
    assertTrue(summary.interrupted());
    assertTrue(summary.balanced());
    assertEquals(received.get(), summary.sent());
  }
}
