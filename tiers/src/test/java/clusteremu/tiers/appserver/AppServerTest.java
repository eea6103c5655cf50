package clusteremu.tiers.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.tiers.dataserver.DataServer;
import clusteremu.tiers.demand.Demand;
import clusteremu.tiers.protocol.Finished;
import clusteremu.tiers.machine.HeldMachine;
import clusteremu.tiers.machine.Machine;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.protocol.FailureReason;
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

/** The app server against data servers played by probes; a kit per test for a clean receptionist. */
class AppServerTest {
  private ActorTestKit kit;
  private final ComponentCounters counters = new ComponentCounters();
  /** The partition table: every data server the test made, by the name its VM has. */
  private final java.util.List<String> dataVms = new java.util.ArrayList<>();

  @BeforeEach
  void start() {
    kit = ActorTestKit.create();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private TestProbe<DataServer.Command> dataServer() {
    TestProbe<DataServer.Command> server = kit.createTestProbe();
    TestProbe<Receptionist.Registered> ack = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(DataServer.SERVICE_KEY, server.getRef(), ack.getRef()));
    ack.receiveMessage();
    dataVms.add(server.getRef().path().name());
    return server;
  }

  private ActorRef<AppServer.Command> appServer(int dataCalls, int capacity, Duration dataTimeout, Machine machine) {
    return appServer(dataCalls, capacity, dataTimeout, machine, Threading.EVENT_DRIVEN, 1);
  }

  private ActorRef<AppServer.Command> appServer(
      int dataCalls, int capacity, Duration dataTimeout, Machine machine, Threading threading, int workers) {
    return appServer(Demand.constant(Duration.ofMillis(1)), dataCalls, capacity, dataTimeout, machine, threading, workers);
  }

  private ActorRef<AppServer.Command> appServer(
      Demand demand, int dataCalls, int capacity, Duration dataTimeout, Machine machine, Threading threading, int workers) {
    AppServerSettings settings = new AppServerSettings(demand, dataCalls, capacity, dataTimeout, 1, threading, workers, 0);
    return kit.spawn(AppServer.create(settings, machine, counters, new clusteremu.tiers.dataserver.Partitioning(dataVms)));
  }

  /**
   * Jobs of no demand go straight on within the message at hand, but one level deep only: 5,000
   * requests wait for a single thread behind one held CPU burst, and each burst released serves
   * its job and exactly one more at once; the next goes through the machine again. Were every
   * job that a finished one starts served at once, the first release would serve all 5,000 in
   * one call chain and overflow the actor's stack.
   */
  @Test
  void jobsOfNoDemandGoStraightOnOneLevelDeepOnly() {
    int requests = 5_000;
    HeldMachine machine = HeldMachine.held();
    ActorRef<AppServer.Command> app =
        appServer(Demand.constant(Duration.ZERO), 0, requests, Duration.ofSeconds(5), machine, Threading.SINGLE_THREADED, 1);
    TestProbe<Reply> client = kit.createTestProbe();
    for (int id = 1; id <= requests; id++) {
      app.tell(new AppServer.Serve(id, id, Operation.READ, id, client.getRef(), null));
    }
    awaitHeld(machine); // the first request's burst; the others wait for the one thread
    machine.doNoDemandAtOnce();
    java.util.Set<Reply> answers = new java.util.HashSet<>();
    while (answers.size() < requests) {
      awaitHeld(machine);
      assertEquals(1, machine.release());
      for (Reply reply : client.receiveSeveralMessages(Math.min(2, requests - answers.size()))) {
        assertEquals(true, reply.ok(), reply.toString());
        answers.add(reply);
      }
    }
    assertEquals(requests, answers.size());
    client.expectNoMessage(Duration.ofMillis(100));
    assertEquals(0, machine.heldCount());
  }

  private static void awaitHeld(HeldMachine machine) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (machine.heldCount() == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no CPU burst was held within 10 s");
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Sends three requests and checks that exactly {@code underWay} data calls are made before any
   * is answered: those calls must come (each within the probe's deadline), and no further one
   * may follow while they are unanswered.
   */
  private void assertDataCallsUnderWay(Threading threading, int workers, int underWay) {
    TestProbe<DataServer.Command> data = dataServer();
    ActorRef<AppServer.Command> app =
        appServer(1, 10, Duration.ofSeconds(5), HeldMachine.instant(), threading, workers);
    awaitDataServer(app, data, 1);
    TestProbe<Reply> client = kit.createTestProbe();
    for (int id = 1; id <= 3; id++) {
      app.tell(new AppServer.Serve(id, id, Operation.READ, id, client.getRef(), null));
    }
    java.util.List<DataServer.Access> calls = new java.util.ArrayList<>();
    for (int call = 0; call < underWay; call++) {
      calls.add(data.expectMessageClass(DataServer.Access.class));
    }
    // The threads that made them are blocked: no further call may come.
    data.expectNoMessage(Duration.ofMillis(200));
    // Answering frees the blocked threads: every request is then served.
    for (int answered = 0; answered < 3; answered++) {
      DataServer.Access call = answered < calls.size() ? calls.get(answered) : data.expectMessageClass(DataServer.Access.class);
      call.replyTo().tell(ok(call));
    }
    assertEquals(java.util.Set.of(Reply.ok(1, 1), Reply.ok(2, 1), Reply.ok(3, 1)), java.util.Set.copyOf(client.receiveSeveralMessages(3)));
  }

  @Test
  void aSingleThreadedServerBlocksOnItsDataCall() {
    assertDataCallsUnderWay(Threading.SINGLE_THREADED, 8, 1);
  }

  @Test
  void aThreadPoolBlocksOneWorkerPerDataCall() {
    assertDataCallsUnderWay(Threading.THREAD_POOL, 2, 2);
  }

  @Test
  void anEventDrivenServerNeverBlocks() {
    assertDataCallsUnderWay(Threading.EVENT_DRIVEN, 1, 3);
  }

  /**
   * Waits until the app server has its (asynchronous) listing of data servers: sends requests
   * until one reaches {@code data}, which answers it. Each request has exactly one outcome, a
   * data call to {@code data} (listed) or a failure as unavailable (not yet), and each is waited
   * for, however late it comes, so no outcome is left behind for the test.
   */
  private void awaitDataServer(ActorRef<AppServer.Command> app, TestProbe<DataServer.Command> data, int dataCalls) {
    TestProbe<Reply> probe = kit.createTestProbe();
    clusteremu.tiers.dataserver.Partitioning table = new clusteremu.tiers.dataserver.Partitioning(dataVms);
    String name = data.getRef().path().name();
    long key = java.util.stream.LongStream.range(0, 1000).filter(k -> table.owner(k).equals(name)).findFirst().orElseThrow();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      app.tell(new AppServer.Serve(-1, -1, Operation.READ, key, probe.getRef(), null));
      Object outcome = firstOf(data, probe, deadline);
      if (outcome instanceof DataServer.Access access) {
        access.replyTo().tell(ok(access));
        for (int call = 1; call < dataCalls; call++) {
          access = data.expectMessageClass(DataServer.Access.class);
          access.replyTo().tell(ok(access));
        }
        assertEquals(Reply.ok(-1, 1), probe.receiveMessage());
        return;
      }
      assertEquals(Reply.failed(-1, FailureReason.DATA_UNAVAILABLE), outcome, "before the listing, the only other outcome");
    }
  }

  /** The first message to reach either probe, polled until {@code deadline}. */
  private static Object firstOf(TestProbe<?> one, TestProbe<?> other, long deadline) {
    while (System.nanoTime() < deadline) {
      for (TestProbe<?> probe : java.util.List.of(one, other)) {
        try {
          return probe.receiveMessage(Duration.ofMillis(5));
        } catch (AssertionError nothingYet) {
          // poll the other
        }
      }
    }
    throw new AssertionError("the app server never saw the data server, nor answered");
  }

  private static DataServer.Answer ok(DataServer.Access access) {
    return new DataServer.Answer(access.job(), access.call(), true, 1, null);
  }

  @Test
  void callsTheDataTierInTurnThenAnswers() {
    TestProbe<DataServer.Command> data = dataServer();
    ActorRef<AppServer.Command> app = appServer(2, 10, Duration.ofSeconds(5), HeldMachine.instant());
    awaitDataServer(app, data, 2);
    long completedBefore = counters.completedCount();
    TestProbe<Reply> client = kit.createTestProbe();

    app.tell(new AppServer.Serve(100, 7, Operation.WRITE, 40, client.getRef(), null));
    DataServer.Access first = data.expectMessageClass(DataServer.Access.class);
    assertEquals(40, first.key());
    assertEquals(Operation.WRITE, first.operation());
    data.expectNoMessage(Duration.ofMillis(50)); // one call at a time: the second waits for the first
    first.replyTo().tell(ok(first));
    DataServer.Access second = data.expectMessageClass(DataServer.Access.class);
    assertEquals(41, second.key());
    second.replyTo().tell(ok(second));

    assertEquals(Reply.ok(7, 1), client.receiveMessage());
    assertEquals(completedBefore + 1, counters.completedCount());
  }

  @Test
  void inHandoffModeAlsoTellsTheDispatcherItHasFinished() {
    TestProbe<DataServer.Command> data = dataServer();
    ActorRef<AppServer.Command> app = appServer(1, 10, Duration.ofSeconds(5), HeldMachine.instant());
    awaitDataServer(app, data, 1);
    TestProbe<Reply> client = kit.createTestProbe();
    TestProbe<Finished> dispatcher = kit.createTestProbe();

    app.tell(new AppServer.Serve(100, 7, Operation.READ, 1, client.getRef(), dispatcher.getRef()));
    DataServer.Access access = data.expectMessageClass(DataServer.Access.class);
    access.replyTo().tell(ok(access));
    assertEquals(Reply.ok(7, 1), client.receiveMessage());
    assertEquals(new Finished(100, true), dispatcher.receiveMessage());
  }

  @Test
  void pastItsCapacityARequestIsRejectedAtOnce() {
    dataServer();
    HeldMachine cpu = HeldMachine.held();
    ActorRef<AppServer.Command> app = appServer(1, 1, Duration.ofSeconds(5), cpu);
    TestProbe<Reply> client = kit.createTestProbe();
    TestProbe<Finished> dispatcher = kit.createTestProbe();

    app.tell(new AppServer.Serve(1, 1, Operation.READ, 1, client.getRef(), null));
    app.tell(new AppServer.Serve(2, 2, Operation.READ, 1, client.getRef(), dispatcher.getRef()));
    assertEquals(Reply.failed(2, FailureReason.APP_SERVER_QUEUE_FULL), client.receiveMessage());
    assertEquals(new Finished(2, false), dispatcher.receiveMessage());
    assertEquals(1, counters.rejectedCount());
    assertEquals(1, counters.inFlightCount());
  }

  @Test
  void aDataCallThatIsNeverAnsweredFailsTheRequestWithDataTimeout() {
    TestProbe<DataServer.Command> data = dataServer();
    ActorRef<AppServer.Command> app = appServer(1, 10, Duration.ofMillis(200), HeldMachine.instant());
    awaitDataServer(app, data, 1);
    long failedBefore = counters.failedCount();
    long completedBefore = counters.completedCount();
    TestProbe<Reply> client = kit.createTestProbe();

    app.tell(new AppServer.Serve(1, 3, Operation.READ, 1, client.getRef(), null));
    DataServer.Access access = data.expectMessageClass(DataServer.Access.class);
    assertEquals(Reply.failed(3, FailureReason.DATA_TIMEOUT), client.receiveMessage(Duration.ofSeconds(10)));
    // The answer that comes too late changes nothing.
    access.replyTo().tell(ok(access));
    client.expectNoMessage(Duration.ofMillis(100));
    assertEquals(failedBefore + 1, counters.failedCount());
    assertEquals(completedBefore, counters.completedCount());
  }

  @Test
  void callsOnADataServerThatLeavesFailWithDataServerLost() {
    TestProbe<DataServer.Command> data = dataServer();
    ActorRef<AppServer.Command> app = appServer(1, 10, Duration.ofSeconds(30), HeldMachine.instant());
    awaitDataServer(app, data, 1);
    TestProbe<Reply> client = kit.createTestProbe();
    app.tell(new AppServer.Serve(1, 4, Operation.READ, 1, client.getRef(), null));
    data.expectMessageClass(DataServer.Access.class);

    kit.system().receptionist().tell(Receptionist.deregister(DataServer.SERVICE_KEY, data.getRef()));
    assertEquals(Reply.failed(4, FailureReason.DATA_SERVER_LOST), client.receiveMessage());
  }

  @Test
  void aKeyWhoseDataVmIsNotListedFailsAsUnavailableAndGoesToNoOtherServer() {
    TestProbe<DataServer.Command> listed = dataServer();
    dataVms.add("data-gone"); // in the table, never listed: as a data VM whose node is down
    ActorRef<AppServer.Command> app = appServer(1, 10, Duration.ofSeconds(5), HeldMachine.instant());
    awaitDataServer(app, listed, 1);
    clusteremu.tiers.dataserver.Partitioning table = new clusteremu.tiers.dataserver.Partitioning(dataVms);
    long goneKey = java.util.stream.LongStream.range(0, 1000).filter(k -> table.owner(k).equals("data-gone")).findFirst().orElseThrow();
    long listedKey = java.util.stream.LongStream.range(0, 1000).filter(k -> !table.owner(k).equals("data-gone")).findFirst().orElseThrow();
    TestProbe<Reply> client = kit.createTestProbe();
    app.tell(new AppServer.Serve(1, 7, Operation.READ, goneKey, client.getRef(), null));
    assertEquals(Reply.failed(7, FailureReason.DATA_UNAVAILABLE), client.receiveMessage());
    listed.expectNoMessage(Duration.ofMillis(100));
    app.tell(new AppServer.Serve(2, 8, Operation.READ, listedKey, client.getRef(), null));
    DataServer.Access access = listed.expectMessageClass(DataServer.Access.class);
    assertEquals(listedKey, access.key());
    access.replyTo().tell(ok(access));
    assertEquals(Reply.ok(8, 1), client.receiveMessage());
  }

  @Test
  void withReplicationAKeyWhoseOwnerIsGoneIsServedByItsBackup() {
    TestProbe<DataServer.Command> listed = dataServer();
    dataVms.add("data-gone"); // in the table, never listed: as a data VM whose node is down
    AppServerSettings settings =
        new AppServerSettings(Demand.constant(Duration.ofMillis(1)), 1, 10, Duration.ofSeconds(5), 1, Threading.EVENT_DRIVEN, 1, 0);
    clusteremu.tiers.dataserver.Partitioning table = new clusteremu.tiers.dataserver.Partitioning(dataVms, 2);
    ActorRef<AppServer.Command> app = kit.spawn(AppServer.create(settings, HeldMachine.instant(), counters, table));
    awaitDataServer(app, listed, 1);
    long goneKey = java.util.stream.LongStream.range(0, 1000).filter(k -> table.owner(k).equals("data-gone")).findFirst().orElseThrow();
    TestProbe<Reply> client = kit.createTestProbe();
    app.tell(new AppServer.Serve(1, 7, Operation.WRITE, goneKey, client.getRef(), null));
    DataServer.Access access = listed.expectMessageClass(DataServer.Access.class);
    assertEquals(goneKey, access.key(), "the backup holds the key while its owner is gone");
    access.replyTo().tell(ok(access));
    assertEquals(Reply.ok(7, 1), client.receiveMessage());
  }

  @Test
  void withNoDataServerARequestFailsWithAReason() {
    ActorRef<AppServer.Command> app = appServer(1, 10, Duration.ofSeconds(5), HeldMachine.instant());
    TestProbe<Reply> client = kit.createTestProbe();
    app.tell(new AppServer.Serve(1, 5, Operation.READ, 1, client.getRef(), null));
    assertEquals(Reply.failed(5, FailureReason.NO_DATA_SERVER), client.receiveMessage());
  }

  @Test
  void withNoDataCallsItAnswersOnceItsDemandIsServed() {
    HeldMachine cpu = HeldMachine.held();
    ActorRef<AppServer.Command> app = appServer(0, 10, Duration.ofSeconds(5), cpu);
    TestProbe<Reply> client = kit.createTestProbe();
    app.tell(new AppServer.Serve(1, 6, Operation.READ, 1, client.getRef(), null));
    client.expectNoMessage(Duration.ofMillis(100));
    awaitHeld(cpu, 1);
    cpu.release();
    assertEquals(Reply.ok(6), client.receiveMessage());
  }

  void awaitHeld(HeldMachine cpu, int count) {
    kit.createTestProbe().awaitAssert(
        Duration.ofSeconds(5),
        Duration.ofMillis(1),
        () -> {
          assertEquals(count, cpu.heldCount(), "jobs on the CPU");
          return null;
        });
  }
}
