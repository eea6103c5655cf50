package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import clusteremu.tiers.machine.Outbound;
import clusteremu.tiers.protocol.Reply;
import clusteremu.tiers.time.TimeDilation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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

/**
 * The driver against a scripted dispatcher: every request it sends must be accounted for. The
 * script decides each request's fate by its id, and the open loop's arrivals follow a seeded
 * schedule, so the counts are exact; only what depends on when replies arrive is bounded, by
 * quantities the run measured.
 */
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
    TestProbe<Driver.Outcome> outcome = kit.createTestProbe();
    kit.spawn(Driver.create(settings, new Driver.Output(progress::add, null), outcome.getRef()));
    return outcome.expectMessageClass(Driver.Completed.class, Duration.ofSeconds(20)).summary();
  }

  /** How many of the request ids 0 .. n-1 are ≡ {@code residue} (mod 3): the script's fate for each. */
  private static long withResidue(long n, int residue) {
    return Math.max(0, (n - residue + 2) / 3);
  }

  /** How many of the request ids from .. to-1 are ≡ {@code residue} (mod 3). */
  private static long withResidue(long from, long to, int residue) {
    return withResidue(to, residue) - withResidue(from, residue);
  }

  /**
   * The intended send times of an open loop, in nanoseconds from its start, before {@code end}:
   * the driver's own schedule with the driver's seed, so the very arrivals of the run.
   */
  private static List<Long> arrivals(LoadSettings settings, long end) {
    ArrivalSchedule schedule = new ArrivalSchedule(settings.rate(), settings.arrivals(), 0, settings.seed() + 1);
    List<Long> dues = new ArrayList<>();
    for (long due = schedule.next(); due < end; due = schedule.next()) {
      dues.add(due);
    }
    return dues;
  }

  /** How many of {@code dues} lie in [from, to). */
  private static int countIn(List<Long> dues, long from, long to) {
    return (int) dues.stream().filter(d -> d >= from && d < to).count();
  }

  @Test
  void underTimeDilationTheLoadAndItsFiguresAreEmulatedAndTakeFactorTimesLongerInRealTime() throws Exception {
    AtomicLong received = registerDispatcher();
    LoadSettings settings =
        new LoadSettings(
            400, LoadSettings.Arrivals.POISSON, 0, Duration.ZERO, Duration.ofMillis(600), Duration.ofMillis(200),
            Duration.ofMillis(300), 0.5, 100, 1, 1000, 0, null, null);
    TestProbe<Driver.Outcome> outcome = kit.createTestProbe();
    long realStart = System.nanoTime();
    kit.spawn(Driver.create(settings, new Driver.Output(line -> {}, null), outcome.getRef(), Outbound.DIRECT, new TimeDilation(4)));
    Summary summary = outcome.expectMessageClass(Driver.Completed.class, Duration.ofSeconds(20)).summary();
    long realNanos = System.nanoTime() - realStart;

    List<Long> dues = arrivals(settings, settings.warmup().plus(settings.duration()).toNanos());
    long n = dues.size();
    long warmup = countIn(dues, 0, settings.warmup().toNanos());
    assertEquals(n, summary.sent(), "the emulated schedule's every arrival, no more");
    assertEquals(received.get(), summary.sent());
    assertEquals(withResidue(n, 0), summary.ok());
    assertEquals(withResidue(n, 2), summary.timeouts(), "timed out after the emulated timeout");
    double seconds = summary.measuredSeconds();
    long warmupEnd = settings.warmup().toNanos();
    assertTrue(seconds >= (dues.get(dues.size() - 1) - warmupEnd) / 1e9 && seconds <= 0.6, "the window is emulated: " + seconds + " s");
    assertEquals((n - warmup) / summary.measuredSeconds(), summary.offeredRate(), 1e-9 * n, "offered in emulated req/s");
    // The last request that times out was due at its emulated instant and timed out the emulated
    // 0.3 s after it: no sooner than four times that in real time.
    long lastTimedOut = dues.get((int) (n - 1 - Math.floorMod(n - 1 - 2, 3))); // the last id = 2 (mod 3)
    assertTrue(realNanos >= 4 * (lastTimedOut + settings.timeout().toNanos()), "ran " + realNanos / 1e9 + " real s");
    assertEquals(4.0, summary.toJson().get("time_dilation"));
  }

  @Test
  void openLoopAccountsForEveryRequestItSent() throws Exception {
    AtomicLong received = registerDispatcher();
    List<String> progress = Collections.synchronizedList(new ArrayList<>());
    LoadSettings settings = openLoop(400, null);
    Summary summary = run(settings, progress);

    long warmupEnd = settings.warmup().toNanos();
    long end = warmupEnd + settings.duration().toNanos();
    List<Long> dues = arrivals(settings, end);
    // The schedule is replayed from 0 while the driver's starts at its own nanoTime; the rounding
    // of either could only move an arrival across an edge that lies within a few ns of it.
    for (long due : dues) {
      assertTrue(Math.abs(due - warmupEnd) > 1000 && Math.abs(due - end) > 1000, "no arrival within 1 us of an edge: " + due);
    }
    long n = dues.size();
    long warmup = countIn(dues, 0, warmupEnd);

    assertEquals(received.get(), summary.sent(), "what the dispatcher received is what the driver sent");
    assertEquals(n, summary.sent(), "every arrival of the schedule was sent");
    assertEquals(0, summary.notSent(), summary.notSentByReason().toString());
    assertTrue(summary.balanced());
    assertEquals(summary.sent(), summary.ok() + summary.failed() + summary.timeouts());
    // Ids 0..n-1 in the order of their arrivals, each with the fate of its residue mod 3.
    assertEquals(withResidue(n, 0), summary.ok());
    assertEquals(Map.of("app-server-queue-full", withResidue(n, 1)), summary.failedByReason());
    assertEquals(withResidue(n, 2), summary.timeouts());
    // Issuing stops once the last arrival before the end was sent: the measured window runs from
    // the end of the warm-up to between that arrival and the end.
    double seconds = summary.measuredSeconds();
    assertTrue(seconds >= (dues.get(dues.size() - 1) - warmupEnd) / 1e9 && seconds <= settings.duration().toNanos() / 1e9, "measured " + seconds + " s");
    assertEquals((n - warmup) / seconds, summary.offeredRate(), 1e-9 * n, "the arrivals of the window over its length");
    assertEquals(400, (n - warmup) / 1.5, 400 * 0.1, "the seeded Poisson schedule offers about its rate");
    long okMeasured = withResidue(warmup, n, 0);
    assertEquals(okMeasured / seconds, summary.throughput(), 1e-9 * n, "the ok answers to the window's arrivals");
    // Answered at once: what completed in the window differs from the throughput only by ok
    // answers under way at its edges, to requests sent within the longest latency before each edge.
    // (A stall of the driver at an edge delays the arrivals just after it too, so it shows in
    // that longest latency, which counts from the intended send time.)
    long longest = summary.latencyMicros().highestEquivalentValue(summary.latencyMicros().getMaxValue()) * 1000;
    long lastDue = dues.get(dues.size() - 1);
    long atEdges = 0;
    for (int id = 0; id < n; id++) {
      long due = dues.get(id);
      boolean nearStart = due < warmupEnd && due >= warmupEnd - longest;
      boolean nearEnd = due >= lastDue - longest;
      if (id % 3 == 0 && (nearStart || nearEnd)) {
        atEdges++;
      }
    }
    assertEquals(okMeasured, summary.completedRate() * seconds, atEdges + 1e-6,
        "ok answers received in the window (longest latency " + longest / 1e6 + " ms)");
    assertTrue(progress.stream().anyMatch(line -> line.contains("req/s ok")), progress.toString());
  }

  @Test
  void closedLoopUsersKeepOneRequestEachInFlight() throws Exception {
    AtomicLong received = registerDispatcher();
    int users = 4;
    Duration timeout = Duration.ofMillis(200);
    LoadSettings settings =
        new LoadSettings(0, LoadSettings.Arrivals.CONSTANT, users, Duration.ZERO, Duration.ofMillis(800), Duration.ZERO,
            timeout, 1.0, 10, 1, 1000, 0, null, null);
    long startedAt = System.nanoTime();
    Summary summary = run(settings, new ArrayList<>());
    double wallSeconds = (System.nanoTime() - startedAt) / 1e9;

    assertTrue(summary.balanced());
    assertEquals(received.get(), summary.sent());
    long n = summary.sent();
    assertEquals(withResidue(n, 0), summary.ok());
    assertEquals(withResidue(n, 1), summary.failed());
    assertEquals(withResidue(n, 2), summary.timeouts(), "every request the dispatcher ignored timed out");
    // Answered requests are replaced at once, so within the first instant each user is held by an
    // ignored one (ids 2, 5, 8, 11): at least those twelve were sent and four timed out.
    assertTrue(n >= 3 * users, "sent " + n);
    assertTrue(summary.timeouts() >= users, "timeouts " + summary.timeouts());
    // With one request in flight, a user times out at most once per timeout: no more than
    // users x (1 + run time / timeout) of them, however fast or slow the machine.
    double mostTimeouts = users * (1 + wallSeconds / (timeout.toNanos() / 1e9));
    assertTrue(summary.timeouts() <= mostTimeouts, summary.timeouts() + " timeouts, at most " + mostTimeouts + " in " + wallSeconds + " s");
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
    TestProbe<Driver.Outcome> outcome = kit.createTestProbe();
    long spawnedAt = System.nanoTime();
    ActorRef<Driver.Command> driver = kit.spawn(Driver.create(tenMinutes, new Driver.Output(line -> {}, null), outcome.getRef()));
    // Interrupt once the load has been flowing for a while: the 300th request was due 1.495 s in.
    int seen = 300;
    TestProbe<Void> waiter = kit.createTestProbe();
    waiter.awaitAssert(Duration.ofSeconds(15), Duration.ofMillis(10),
        () -> {
          assertTrue(received.get() >= seen, "received " + received.get());
          return null;
        });
    driver.tell(Driver.Interrupt.INSTANCE);
    Summary summary = outcome.expectMessageClass(Driver.Completed.class, Duration.ofSeconds(10)).summary();
    double wallSeconds = (System.nanoTime() - spawnedAt) / 1e9;

    assertTrue(summary.interrupted());
    assertTrue(summary.balanced());
    assertEquals(received.get(), summary.sent());
    long n = summary.sent();
    assertTrue(n >= seen, "sent " + n);
    assertEquals(0, summary.timeouts(), "the 30 s timeout never came; the unanswered third failed as interrupted");
    assertEquals(withResidue(n, 0), summary.ok());
    assertEquals(Map.of("app-server-queue-full", withResidue(n, 1), "interrupted", withResidue(n, 2)), summary.failedByReason());
    // It measured the time it ran: at least until the last request it was seen to send was due,
    // at most the whole time the test waited for it.
    double seconds = summary.measuredSeconds();
    assertTrue(seconds >= (seen - 1) / 200.0 && seconds <= wallSeconds, "measured " + seconds + " s of " + wallSeconds);
    assertEquals(n / seconds, summary.offeredRate(), 1e-9 * n, "what it sent over the time it ran");
    // Evenly spaced arrivals: none is sent before it is due, so at most 200 x seconds + 1.
    assertTrue(n <= 200 * seconds + 1, n + " sent in " + seconds + " s");
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
    // 200 req/s evenly spaced for 0.5 s: arrivals at 0, 5, ..., 495 ms.
    assertEquals(100, summary.sent(), "sent " + summary.sent());
    assertEquals(summary.sent(), first.get(), "all to the first dispatcher by address");
    assertEquals(0, second.get());
    assertEquals(1, summary.settings().get("dispatchers_used"));
  }
}
