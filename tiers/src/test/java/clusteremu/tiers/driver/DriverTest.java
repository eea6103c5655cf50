package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import clusteremu.tiers.request.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver against a scripted dispatcher: every request it sends must be accounted for. */
class DriverTest {
  private ActorTestKit kit;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** Answers request ids ≡ 0 (mod 3) ok, ≡ 1 failed, and never answers ≡ 2 (they must time out). */
  private static Behavior<Dispatcher.Command> scriptedDispatcher(AtomicLong received) {
    return Behaviors.receive(Dispatcher.Command.class)
        .onMessage(
            Dispatcher.Submit.class,
            submit -> {
              received.incrementAndGet();
              switch ((int) (submit.requestId() % 3)) {
                case 0 -> submit.client().tell(Reply.ok(submit.requestId()));
                case 1 -> submit.client().tell(Reply.failed(submit.requestId(), "app-server-queue-full"));
                default -> {}
              }
              return Behaviors.same();
            })
        .onMessage(
            Dispatcher.Reconfigure.class,
            r -> {
              r.replyTo().tell(new Dispatcher.Reconfigured(r.mode(), r.policy(), 1));
              return Behaviors.same();
            })
        .build();
  }

  private AtomicLong registerDispatcher() {
    AtomicLong received = new AtomicLong();
    ActorRef<Dispatcher.Command> dispatcher = kit.spawn(scriptedDispatcher(received));
    kit.system().receptionist().tell(Receptionist.register(Dispatcher.SERVICE_KEY, dispatcher));
    return received;
  }

  private static LoadSettings openLoop(double rate, Mode mode) {
    return new LoadSettings(
        rate, LoadSettings.Arrivals.POISSON, 0, Duration.ZERO, Duration.ofMillis(1500), Duration.ofMillis(500),
        Duration.ofMillis(300), 0.5, 100, 1, 1000, 0, mode, mode == null ? null : PolicyName.RANDOM);
  }

  private Summary run(LoadSettings settings, List<String> progress) throws Exception {
    CompletableFuture<Summary> result = new CompletableFuture<>();
    kit.spawn(Driver.create(settings, new Driver.Output(progress::add, null), result));
    return result.get(20, TimeUnit.SECONDS);
  }

  @Test
  void openLoopAccountsForEveryRequestItSent() throws Exception {
    AtomicLong received = registerDispatcher();
    List<String> progress = Collections.synchronizedList(new ArrayList<>());
    Summary summary = run(openLoop(400, null), progress);

    assertEquals(received.get(), summary.sent(), "what the dispatcher received is what the driver sent");
    assertTrue(summary.balanced());
    assertEquals(summary.sent(), summary.ok() + summary.failed() + summary.timeouts());
    assertEquals(Map.of("app-server-queue-full", summary.failed()), summary.failedByReason());
    // A third of the requests each: ids 0..n-1 by residue mod 3.
    assertEquals(summary.sent() / 3.0, summary.timeouts(), 1.0);
    assertEquals(summary.sent() / 3.0, summary.ok(), 1.0);
    // 2 s at 400 req/s, Poisson: about 800 requests.
    assertEquals(800, summary.sent(), 800 * 0.2);
    assertEquals(400, summary.offeredRate(), 400 * 0.2);
    // Answered at once: what completed in the window is the throughput, a third of what was offered.
    assertEquals(summary.throughput(), summary.completedRate(), summary.throughput() * 0.05);
    assertEquals(400 / 3.0, summary.completedRate(), 400 / 3.0 * 0.2);
    assertTrue(progress.stream().anyMatch(line -> line.contains("req/s ok")), progress.toString());
  }

  @Test
  void closedLoopUsersKeepOneRequestEachInFlight() throws Exception {
    AtomicLong received = registerDispatcher();
    LoadSettings settings =
        new LoadSettings(0, LoadSettings.Arrivals.CONSTANT, 4, Duration.ZERO, Duration.ofMillis(800), Duration.ZERO,
            Duration.ofMillis(200), 1.0, 10, 1, 1000, 0, null, null);
    Summary summary = run(settings, new ArrayList<>());
    assertTrue(summary.balanced());
    assertEquals(received.get(), summary.sent());
    // Each user stalls 200 ms on every request the dispatcher ignores, so the run is short of requests
    // but each user still issued many.
    assertTrue(summary.sent() > 4 * 3, "sent " + summary.sent());
  }

  @Test
  void switchesTheDispatchersModeBeforeTheLoad() throws Exception {
    registerDispatcher();
    List<String> progress = Collections.synchronizedList(new ArrayList<>());
    Summary summary = run(openLoop(100, Mode.HANDOFF), progress);
    assertTrue(progress.get(0).contains("mode handoff, policy random"), progress.get(0));
    assertEquals("handoff", summary.settings().get("mode"));
  }

  @Test
  void anInterruptedRunStopsEarlyAndStillAccountsForEveryRequest() throws Exception {
    AtomicLong received = registerDispatcher();
    LoadSettings tenMinutes =
        new LoadSettings(200, LoadSettings.Arrivals.CONSTANT, 0, Duration.ZERO, Duration.ofMinutes(10), Duration.ZERO,
            Duration.ofSeconds(30), 0.5, 100, 1, 1000, 0, null, null);
    CompletableFuture<Summary> result = new CompletableFuture<>();
    ActorRef<Driver.Command> driver = kit.spawn(Driver.create(tenMinutes, new Driver.Output(line -> {}, null), result));
    Thread.sleep(1500);
    driver.tell(Driver.Interrupt.INSTANCE);
    Summary summary = result.get(10, TimeUnit.SECONDS);

    assertTrue(summary.interrupted());
    assertTrue(summary.balanced());
    assertEquals(received.get(), summary.sent());
    assertEquals(0, summary.timeouts(), "the 30 s timeout never came; the unanswered third failed as interrupted");
    assertEquals(summary.sent() / 3.0, summary.failedByReason().get("interrupted"), 1.0);
    assertEquals(summary.sent() / 3.0, summary.ok(), 1.0);
    assertTrue(summary.measuredSeconds() > 1 && summary.measuredSeconds() < 3, "measured the time it ran: " + summary.measuredSeconds());
    assertEquals(200, summary.offeredRate(), 200 * 0.15);
  }

  @Test
  void withDispatchersSetItSpreadsTheLoadOverOnlyTheFirstOnes() throws Exception {
    AtomicLong first = new AtomicLong();
    AtomicLong second = new AtomicLong();
    ActorRef<Dispatcher.Command> a = kit.spawn(scriptedDispatcher(first), "dispatcher-a");
    ActorRef<Dispatcher.Command> b = kit.spawn(scriptedDispatcher(second), "dispatcher-b");
    TestProbe<Receptionist.Registered> ack = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(Dispatcher.SERVICE_KEY, a, ack.getRef()));
    kit.system().receptionist().tell(Receptionist.register(Dispatcher.SERVICE_KEY, b, ack.getRef()));
    ack.receiveSeveralMessages(2);
    LoadSettings oneOfTwo =
        new LoadSettings(200, LoadSettings.Arrivals.CONSTANT, 0, Duration.ZERO, Duration.ofMillis(500), Duration.ZERO,
            Duration.ofMillis(200), 0.5, 100, 1, 1000, 1, null, null);
    Summary summary = run(oneOfTwo, new ArrayList<>());
    assertTrue(summary.sent() > 50, "sent " + summary.sent());
    assertEquals(summary.sent(), first.get(), "all to the first dispatcher by address");
    assertEquals(0, second.get());
    assertEquals(1, summary.settings().get("dispatchers_used"));
  }
}
