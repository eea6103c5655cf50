package clusteremu.tiers.dataserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import clusteremu.tiers.demand.Demand;
import clusteremu.tiers.machine.HeldMachine;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.protocol.FailureReason;
import clusteremu.tiers.protocol.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DataServerTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static DataServerSettings settings(int capacity) {
    return new DataServerSettings(Demand.constant(Duration.ofMillis(1)), capacity, 1);
  }

  @Test
  void aWriteBumpsTheKeysVersionAndAReadReturnsIt() {
    ActorRef<DataServer.Command> data = kit.spawn(DataServer.create(settings(10), HeldMachine.instant(), new ComponentCounters()));
    TestProbe<DataServer.Answer> app = kit.createTestProbe();
    data.tell(new DataServer.Access(1, 0, Operation.READ, 5, app.getRef()));
    assertEquals(new DataServer.Answer(1, 0, true, 0, null), app.receiveMessage());
    data.tell(new DataServer.Access(2, 0, Operation.WRITE, 5, app.getRef()));
    data.tell(new DataServer.Access(3, 0, Operation.WRITE, 5, app.getRef()));
    assertEquals(1, app.receiveMessage().version());
    assertEquals(2, app.receiveMessage().version());
    data.tell(new DataServer.Access(4, 1, Operation.READ, 5, app.getRef()));
    assertEquals(new DataServer.Answer(4, 1, true, 2, null), app.receiveMessage());
  }

  /** With no demand each access is served within its own message: the same versions, and nothing left held. */
  @Test
  void accessesOfNoDemandAreServedAtOnceWithTheSameVersions() {
    ComponentCounters counters = new ComponentCounters();
    DataServerSettings free = new DataServerSettings(Demand.constant(Duration.ZERO), 3, 1);
    ActorRef<DataServer.Command> data = kit.spawn(DataServer.create(free, HeldMachine.instant(), counters));
    TestProbe<DataServer.Answer> app = kit.createTestProbe();
    for (int job = 1; job <= 100; job++) {
      data.tell(new DataServer.Access(job, 0, Operation.WRITE, 5, app.getRef()));
    }
    for (int job = 1; job <= 100; job++) {
      assertEquals(new DataServer.Answer(job, 0, true, job, null), app.receiveMessage());
    }
    // A capacity of 3 never filled: each access was done before the next arrived.
    assertEquals(0, counters.rejectedCount());
    data.tell(new DataServer.Access(101, 0, Operation.READ, 5, app.getRef()));
    assertEquals(new DataServer.Answer(101, 0, true, 100, null), app.receiveMessage());
  }

  @Test
  void pastItsCapacityAnAccessIsRefusedWithAReason() {
    ComponentCounters counters = new ComponentCounters();
    ActorRef<DataServer.Command> data = kit.spawn(DataServer.create(settings(1), HeldMachine.held(), counters));
    TestProbe<DataServer.Answer> app = kit.createTestProbe();
    data.tell(new DataServer.Access(1, 0, Operation.READ, 5, app.getRef()));
    data.tell(new DataServer.Access(2, 0, Operation.READ, 6, app.getRef()));
    assertEquals(new DataServer.Answer(2, 0, false, 0, FailureReason.DATA_SERVER_QUEUE_FULL), app.receiveMessage());
    assertEquals(1, counters.rejectedCount());
  }

  @Test
  void keysSpreadOverAllPartitionsAndAlwaysToTheSameOne() {
    Partitioning table = new Partitioning(List.of("a", "b", "c"));
    Set<String> used = new HashSet<>();
    List<String> first = new ArrayList<>();
    for (long key = 0; key < 100; key++) {
      used.add(table.owner(key));
      first.add(table.owner(key));
    }
    assertEquals(3, used.size());
    for (long key = 0; key < 100; key++) {
      assertEquals(first.get((int) key), new Partitioning(List.of("a", "b", "c")).owner(key));
    }
    assertNotEquals(Partitioning.mix(1), Partitioning.mix(2));
  }
}
