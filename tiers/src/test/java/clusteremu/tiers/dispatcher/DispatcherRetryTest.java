package clusteremu.tiers.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.machine.HeldMachine;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.protocol.FailureReason;
import clusteremu.tiers.protocol.Finished;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's server timeout, retries and redispatch, against two app servers played by
 * probes: a request that fails on one is sent again to the other, and never twice to the same one.
 */
class DispatcherRetryTest {
  private ActorTestKit kit;
  private final ComponentCounters counters = new ComponentCounters();
  private TestProbe<AppServer.Command> first;
  private TestProbe<AppServer.Command> second;
  private TestProbe<Reply> client;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create();
    first = appServer("app-1");
    second = appServer("app-2");
    client = kit.createTestProbe();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private TestProbe<AppServer.Command> appServer(String name) {
    TestProbe<AppServer.Command> server = kit.createTestProbe(name);
    TestProbe<Receptionist.Registered> ack = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(AppServer.SERVICE_KEY, server.getRef(), ack.getRef()));
    ack.receiveMessage();
    return server;
  }

  private void leave(TestProbe<AppServer.Command> server) {
    TestProbe<Receptionist.Deregistered> ack = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.deregister(AppServer.SERVICE_KEY, server.getRef(), ack.getRef()));
    ack.receiveMessage();
  }

  private ActorRef<Dispatcher.Command> dispatcher(Mode mode, Duration serverTimeout, int retries, boolean retryWrites) {
    DispatcherSettings settings =
        new DispatcherSettings(mode, PolicyName.ROUND_ROBIN, 100, 0, Duration.ZERO, Duration.ZERO, serverTimeout, retries, retryWrites, 1);
    ActorRef<Dispatcher.Command> dispatcher = kit.spawn(Dispatcher.create(settings, HeldMachine.instant(), counters));
    TestProbe<Dispatcher.Reconfigured> ack = kit.createTestProbe();
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int known;
    do {
      dispatcher.tell(new Dispatcher.Reconfigure(null, null, ack.getRef()));
      known = ack.receiveMessage().appServers();
    } while (known < 2 && System.nanoTime() < deadline);
    assertEquals(2, known, "the dispatcher should know both app servers");
    return dispatcher;
  }

  /** The request as the app server that got it sees it, and which server that was. */
  private record Delivered(TestProbe<AppServer.Command> server, AppServer.Serve serve) {}

  private Delivered delivered() {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < deadline) {
      for (TestProbe<AppServer.Command> server : List.of(first, second)) {
        try {
          AppServer.Serve serve = (AppServer.Serve) server.receiveMessage(Duration.ofMillis(20));
          return new Delivered(server, serve);
        } catch (AssertionError none) {
          // not this one
        }
      }
    }
    throw new AssertionError("no app server got the request within 3 s");
  }

  private TestProbe<AppServer.Command> other(TestProbe<AppServer.Command> server) {
    return server == first ? second : first;
  }

  @Test
  void aReadWhoseAppServerIsLostIsSentToTheOtherOne() {
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, Duration.ZERO, 1, false);
    dispatcher.tell(new Dispatcher.Submit(7, Operation.READ, 42, client.getRef()));
    Delivered firstTry = delivered();

    leave(firstTry.server());
    AppServer.Serve retry = other(firstTry.server()).expectMessageClass(AppServer.Serve.class);
    assertEquals(42, retry.key());
    assertNotEquals(firstTry.serve().ticket(), retry.ticket(), "a retry goes under a new ticket");

    // The lost server's late answer is not taken for the retry's.
    firstTry.serve().replyTo().tell(Reply.failed(firstTry.serve().requestId(), FailureReason.DATA_TIMEOUT));
    client.expectNoMessage(Duration.ofMillis(200));
    retry.replyTo().tell(Reply.ok(retry.requestId(), 3));
    assertEquals(Reply.ok(7, 3), client.receiveMessage());
    assertEquals(1, counters.retriedCount());
    assertEquals(1, counters.completedCount());
    assertEquals(0, counters.inFlightCount());
  }

  @Test
  void aWriteIsNotRetriedUnlessWritesMayBe() {
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, Duration.ZERO, 1, false);
    dispatcher.tell(new Dispatcher.Submit(8, Operation.WRITE, 1, client.getRef()));
    leave(delivered().server());
    assertEquals(Reply.failed(8, FailureReason.APP_SERVER_LOST), client.receiveMessage());
    assertEquals(0, counters.retriedCount());
    assertEquals(1, counters.failedCount());
  }

  @Test
  void aWriteIsRetriedWhenWritesMayBe() {
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, Duration.ZERO, 1, true);
    dispatcher.tell(new Dispatcher.Submit(8, Operation.WRITE, 1, client.getRef()));
    Delivered firstTry = delivered();
    leave(firstTry.server());
    AppServer.Serve retry = other(firstTry.server()).expectMessageClass(AppServer.Serve.class);
    retry.replyTo().tell(Reply.ok(retry.requestId(), 1));
    assertEquals(Reply.ok(8, 1), client.receiveMessage());
  }

  @Test
  void aFullAppServersRefusalIsRetriedUntilTheRetriesAreSpent() {
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, Duration.ZERO, 1, false);
    dispatcher.tell(new Dispatcher.Submit(9, Operation.READ, 1, client.getRef()));
    Delivered firstTry = delivered();
    firstTry.serve().replyTo().tell(Reply.failed(firstTry.serve().requestId(), FailureReason.APP_SERVER_QUEUE_FULL));
    AppServer.Serve retry = other(firstTry.server()).expectMessageClass(AppServer.Serve.class);
    retry.replyTo().tell(Reply.failed(retry.requestId(), FailureReason.APP_SERVER_QUEUE_FULL));

    assertEquals(Reply.failed(9, FailureReason.APP_SERVER_QUEUE_FULL), client.receiveMessage());
    firstTry.server().expectNoMessage(Duration.ofMillis(100));
    assertEquals(1, counters.retriedCount());
    assertEquals(1, counters.failedCount());
    assertEquals(0, counters.inFlightCount());
  }

  @Test
  void aDataTierFailureIsNotRetried() {
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, Duration.ZERO, 2, true);
    dispatcher.tell(new Dispatcher.Submit(10, Operation.READ, 1, client.getRef()));
    Delivered firstTry = delivered();
    firstTry.serve().replyTo().tell(Reply.failed(firstTry.serve().requestId(), FailureReason.DATA_UNAVAILABLE));
    assertEquals(Reply.failed(10, FailureReason.DATA_UNAVAILABLE), client.receiveMessage());
    assertEquals(0, counters.retriedCount());
  }

  @Test
  void aSilentAppServerTimesOutAndGetsNoNewRequestForAWhile() {
    // 2 s: the two requests below must come within the skip, whatever the machine's pauses.
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, Duration.ofSeconds(2), 0, false);
    dispatcher.tell(new Dispatcher.Submit(1, Operation.READ, 1, client.getRef()));
    Delivered silent = delivered();

    assertEquals(Reply.failed(1, FailureReason.APP_SERVER_TIMEOUT), client.receiveMessage(Duration.ofSeconds(5)));
    // Round robin would alternate; the silent server is skipped, so both go to the other one.
    dispatcher.tell(new Dispatcher.Submit(2, Operation.READ, 2, client.getRef()));
    dispatcher.tell(new Dispatcher.Submit(3, Operation.READ, 3, client.getRef()));
    TestProbe<AppServer.Command> answering = other(silent.server());
    answering.expectMessageClass(AppServer.Serve.class);
    answering.expectMessageClass(AppServer.Serve.class);
    silent.server().expectNoMessage(Duration.ofMillis(100));
    assertEquals(1, counters.failedCount());
    assertEquals(2, counters.inFlightCount());
  }

  @Test
  void aTimedOutReadIsRetriedOnTheOtherServer() {
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, Duration.ofMillis(300), 1, false);
    dispatcher.tell(new Dispatcher.Submit(4, Operation.READ, 1, client.getRef()));
    Delivered silent = delivered();
    AppServer.Serve retry = other(silent.server()).expectMessageClass(AppServer.Serve.class, Duration.ofSeconds(3));
    retry.replyTo().tell(Reply.ok(retry.requestId(), 5));
    assertEquals(Reply.ok(4, 5), client.receiveMessage());
    assertEquals(1, counters.retriedCount());
  }

  @Test
  void inHandoffModeASilentServerIsSkippedButTheRequestIsLeftToIt() {
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.HANDOFF, Duration.ofMillis(300), 2, false);
    dispatcher.tell(new Dispatcher.Submit(6, Operation.READ, 1, client.getRef()));
    Delivered silent = delivered();
    // The app server answers the client itself: the dispatcher never answers for it.
    client.expectNoMessage(Duration.ofMillis(800));
    other(silent.server()).expectNoMessage(Duration.ofMillis(10));
    silent.serve().finishedTo().tell(new Finished(silent.serve().ticket(), true));
    awaitCompleted(1);
    assertEquals(0, counters.failedCount());
    assertEquals(0, counters.retriedCount());
  }

  private void awaitCompleted(long count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    // Both counts settle together (the in-flight one a moment after the completed one).
    while (counters.completedCount() < count || counters.inFlightCount() != 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not completed within 5 s: " + counters.completedCount());
      }
      Thread.onSpinWait();
    }
    assertEquals(0, counters.inFlightCount());
  }

  @Test
  void inHandoffModeNothingIsRetried() {
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.HANDOFF, Duration.ZERO, 3, true);
    dispatcher.tell(new Dispatcher.Submit(5, Operation.READ, 1, client.getRef()));
    leave(delivered().server());
    assertEquals(Reply.failed(5, FailureReason.APP_SERVER_LOST), client.receiveMessage());
    assertEquals(0, counters.retriedCount());
  }
}
