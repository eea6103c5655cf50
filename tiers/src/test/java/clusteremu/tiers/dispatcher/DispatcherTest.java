package clusteremu.tiers.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.machine.HeldMachine;
import clusteremu.tiers.machine.Machine;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.protocol.FailureReason;
import clusteremu.tiers.protocol.Finished;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dispatcher against app servers played by probes. A kit per test: the receptionist keeps
 * registrations, and each test needs to start from no app servers.
 */
class DispatcherTest {
  private ActorTestKit kit;
  private final ComponentCounters counters = new ComponentCounters();

  @BeforeEach
  void start() {
    kit = ActorTestKit.create();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private static DispatcherSettings settings(Mode mode, int capacity) {
    return settings(mode, capacity, 0);
  }

  private static DispatcherSettings settings(Mode mode, int capacity, int maxQueue) {
    return new DispatcherSettings(mode, PolicyName.ROUND_ROBIN, capacity, maxQueue, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0, false, 1);
  }

  private TestProbe<AppServer.Command> appServer() {
    TestProbe<AppServer.Command> server = kit.createTestProbe();
    TestProbe<Receptionist.Registered> ack = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(AppServer.SERVICE_KEY, server.getRef(), ack.getRef()));
    ack.receiveMessage();
    return server;
  }

  /** A dispatcher that already knows the app servers registered so far (its listing comes asynchronously). */
  private ActorRef<Dispatcher.Command> dispatcher(Mode mode, int capacity, Machine machine) {
    return dispatcher(settings(mode, capacity), machine);
  }

  private ActorRef<Dispatcher.Command> dispatcher(DispatcherSettings settings, Machine machine) {
    ActorRef<Dispatcher.Command> dispatcher = kit.spawn(Dispatcher.create(settings, machine, counters));
    TestProbe<Receptionist.Listing> listing = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.find(AppServer.SERVICE_KEY, listing.getRef()));
    int registered = listing.receiveMessage().getServiceInstances(AppServer.SERVICE_KEY).size();
    TestProbe<Dispatcher.Reconfigured> ack = kit.createTestProbe();
    long deadline = System.nanoTime() + 3_000_000_000L;
    do {
      dispatcher.tell(new Dispatcher.Reconfigure(null, null, ack.getRef()));
    } while (ack.receiveMessage().appServers() < registered && System.nanoTime() < deadline);
    return dispatcher;
  }

  @Test
  void proxyModeRelaysTheReplyUnderTheClientsId() {
    TestProbe<AppServer.Command> server = appServer();
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, 10, HeldMachine.instant());
    TestProbe<Reply> client = kit.createTestProbe();

    dispatcher.tell(new Dispatcher.Submit(7, Operation.READ, 42, client.getRef()));
    AppServer.Serve serve = server.expectMessageClass(AppServer.Serve.class);
    assertNotEquals(client.getRef(), serve.replyTo(), "in proxy mode the reply goes back through the dispatcher");
    assertNull(serve.finishedTo());
    assertEquals(42, serve.key());

    serve.replyTo().tell(Reply.ok(serve.requestId()));
    assertEquals(Reply.ok(7), client.receiveMessage());
    assertEquals(1, counters.completedCount());
    assertEquals(0, counters.inFlightCount());
  }

  @Test
  void handoffModeLetsTheAppServerAnswerTheClientDirectly() {
    TestProbe<AppServer.Command> server = appServer();
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.HANDOFF, 10, HeldMachine.instant());
    TestProbe<Reply> client = kit.createTestProbe();

    dispatcher.tell(new Dispatcher.Submit(9, Operation.WRITE, 1, client.getRef()));
    AppServer.Serve serve = server.expectMessageClass(AppServer.Serve.class);
    assertEquals(client.getRef(), serve.replyTo());
    assertEquals(9, serve.requestId());
    assertNotNull(serve.finishedTo(), "the dispatcher wants to hear when it is finished");
    assertEquals(1, counters.inFlightCount());

    serve.finishedTo().tell(new Finished(serve.ticket(), true));
    client.expectNoMessage(Duration.ofMillis(100));
    waitFor(() -> counters.completedCount() == 1 && counters.inFlightCount() == 0);
  }

  @Test
  void reconfigureSwitchesModeOnTheRunningDispatcher() {
    TestProbe<AppServer.Command> server = appServer();
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, 10, HeldMachine.instant());
    TestProbe<Dispatcher.Reconfigured> ack = kit.createTestProbe();
    TestProbe<Reply> client = kit.createTestProbe();

    dispatcher.tell(new Dispatcher.Reconfigure(Mode.HANDOFF, PolicyName.POWER_OF_TWO, ack.getRef()));
    assertEquals(new Dispatcher.Reconfigured(Mode.HANDOFF, PolicyName.POWER_OF_TWO, 1), ack.receiveMessage());
    dispatcher.tell(new Dispatcher.Submit(1, Operation.READ, 1, client.getRef()));
    assertEquals(client.getRef(), server.expectMessageClass(AppServer.Serve.class).replyTo());
  }

  @Test
  void pastItsCapacityARequestIsRejectedAtOnceWithAReason() {
    TestProbe<AppServer.Command> server = appServer();
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, 2, HeldMachine.instant());
    TestProbe<Reply> client = kit.createTestProbe();

    dispatcher.tell(new Dispatcher.Submit(1, Operation.READ, 1, client.getRef()));
    dispatcher.tell(new Dispatcher.Submit(2, Operation.READ, 2, client.getRef()));
    dispatcher.tell(new Dispatcher.Submit(3, Operation.READ, 3, client.getRef()));
    assertEquals(Reply.failed(3, FailureReason.DISPATCHER_QUEUE_FULL), client.receiveMessage());

    // The two it holds are not lost: they complete when their app server answers.
    for (int i = 0; i < 2; i++) {
      AppServer.Serve serve = server.expectMessageClass(AppServer.Serve.class);
      serve.replyTo().tell(Reply.ok(serve.requestId()));
    }
    assertTrue(client.receiveMessage().ok());
    assertTrue(client.receiveMessage().ok());
    assertEquals(1, counters.rejectedCount());
    assertEquals(2, counters.completedCount());
  }

  @Test
  void requestsWaitingForTheDispatchersCpuCountAgainstItsCapacity() {
    appServer();
    HeldMachine cpu = HeldMachine.held();
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, 1, cpu);
    TestProbe<Reply> client = kit.createTestProbe();
    dispatcher.tell(new Dispatcher.Submit(1, Operation.READ, 1, client.getRef()));
    dispatcher.tell(new Dispatcher.Submit(2, Operation.READ, 2, client.getRef()));
    assertEquals(Reply.failed(2, FailureReason.DISPATCHER_QUEUE_FULL), client.receiveMessage());
  }

  @Test
  void pastItsMaxQueueARequestIsRefusedAtOnceAsOverloadedAndCostsNoCpu() {
    TestProbe<AppServer.Command> server = appServer();
    HeldMachine cpu = HeldMachine.held();
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(settings(Mode.PROXY, 100, 2), cpu);
    TestProbe<Reply> client = kit.createTestProbe();
    for (int id = 1; id <= 3; id++) {
      dispatcher.tell(new Dispatcher.Submit(id, Operation.READ, id, client.getRef()));
    }
    assertEquals(Reply.failed(3, FailureReason.OVERLOADED), client.receiveMessage(), "two wait for the CPU: the third is refused");
    waitFor(() -> cpu.heldCount() == 2);
    assertEquals(2, cpu.heldCount(), "the refused request asked nothing of the CPU");
    // Once the CPU has forwarded the two, they no longer wait for it, and new requests are taken.
    assertEquals(2, cpu.release());
    server.expectMessageClass(AppServer.Serve.class);
    server.expectMessageClass(AppServer.Serve.class);
    dispatcher.tell(new Dispatcher.Submit(4, Operation.READ, 4, client.getRef()));
    dispatcher.tell(new Dispatcher.Submit(5, Operation.READ, 5, client.getRef()));
    waitFor(() -> cpu.heldCount() == 2);
    assertEquals(1, counters.rejectedCount());
  }

  @Test
  void withNoAppServerARequestFailsWithAReason() {
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(Mode.PROXY, 10, HeldMachine.instant());
    TestProbe<Reply> client = kit.createTestProbe();
    dispatcher.tell(new Dispatcher.Submit(5, Operation.READ, 1, client.getRef()));
    assertEquals(Reply.failed(5, FailureReason.NO_APP_SERVER), client.receiveMessage());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void requestsHeldOnAnAppServerThatLeavesFailInsteadOfVanishing(Mode mode) {
    TestProbe<AppServer.Command> server = appServer();
    ActorRef<Dispatcher.Command> dispatcher = dispatcher(mode, 10, HeldMachine.instant());
    TestProbe<Reply> client = kit.createTestProbe();
    dispatcher.tell(new Dispatcher.Submit(1, Operation.READ, 1, client.getRef()));
    dispatcher.tell(new Dispatcher.Submit(2, Operation.READ, 2, client.getRef()));
    server.expectMessageClass(AppServer.Serve.class);
    server.expectMessageClass(AppServer.Serve.class);

    TestProbe<Receptionist.Deregistered> ack = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.deregister(AppServer.SERVICE_KEY, server.getRef(), ack.getRef()));
    ack.receiveMessage();

    java.util.Set<Reply> replies = java.util.Set.of(client.receiveMessage(), client.receiveMessage());
    assertEquals(
        java.util.Set.of(Reply.failed(1, FailureReason.APP_SERVER_LOST), Reply.failed(2, FailureReason.APP_SERVER_LOST)),
        replies);
    assertEquals(2, counters.failedCount());
    assertEquals(0, counters.inFlightCount());
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 3 s");
      }
      Thread.onSpinWait();
    }
  }
}
