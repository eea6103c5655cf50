package clusteremu.tiers.dataserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.demand.Demand;
import clusteremu.tiers.machine.HeldMachine;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.protocol.FailureReason;
import clusteremu.tiers.protocol.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replication 2 between two real data servers: a write is on both before it is acknowledged, a
 * server that starts again takes its keys back from its partner before it serves, and nothing
 * waits for a partner that is gone. A kit per test: the receptionist keeps registrations.
 */
class DataServerReplicationTest {
  private static final Partitioning TABLE = new Partitioning(List.of("data-1", "data-2"), 2);
  private ActorTestKit kit;
  private final HeldMachine machine = HeldMachine.instant();
  private TestProbe<DataServer.Answer> app;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create();
    app = kit.createTestProbe();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private static DataServerSettings settings() {
    return new DataServerSettings(Demand.constant(Duration.ofMillis(1)), 100, 1);
  }

  private ActorRef<DataServer.Command> server(String vm, boolean recovering) {
    return kit.spawn(DataServer.create(settings(), machine, new ComponentCounters(), null, new DataServer.Role(vm, TABLE, recovering)), vm);
  }

  /** Waits until {@code key} lists exactly {@code count} servers. */
  private void awaitListed(org.apache.pekko.actor.typed.receptionist.ServiceKey<DataServer.Command> key, int count) {
    TestProbe<Receptionist.Listing> listing = kit.createTestProbe();
    listing.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          kit.system().receptionist().tell(Receptionist.find(key, listing.getRef()));
          assertEquals(count, listing.receiveMessage().getServiceInstances(key).size());
          return null;
        });
  }

  /** A key whose owner is {@code vm} (its backup is the other one). */
  private static long keyOwnedBy(String vm) {
    long key = 0;
    while (!TABLE.owner(key).equals(vm)) {
      key++;
    }
    return key;
  }

  private long version(ActorRef<DataServer.Command> server, long key) {
    server.tell(new DataServer.Access(99, 0, Operation.READ, key, app.getRef()));
    DataServer.Answer answer = app.receiveMessage();
    assertTrue(answer.ok(), answer.toString());
    return answer.version();
  }

  @Test
  void everyKeyHasItsOwnerAndTheNextDataVmAsHolders() {
    Partitioning three = new Partitioning(List.of("a", "b", "c"), 2);
    for (long key = 0; key < 100; key++) {
      List<String> holders = three.holders(key);
      assertEquals(2, holders.size());
      assertEquals(three.owner(key), holders.get(0));
      int owner = List.of("a", "b", "c").indexOf(holders.get(0));
      assertEquals(List.of("a", "b", "c").get((owner + 1) % 3), holders.get(1));
    }
    assertEquals(Set.of("b", "c"), three.partnersOf("a"));
    assertEquals(Set.of("a"), new Partitioning(List.of("a", "b"), 2).partnersOf("b"));
    assertEquals(Set.of(), new Partitioning(List.of("a", "b")).partnersOf("a"));
    assertThrows(IllegalArgumentException.class, () -> new Partitioning(List.of("a"), 2));
  }

  @Test
  void anAcknowledgedWriteIsOnBothHolders() {
    ActorRef<DataServer.Command> first = server("data-1", false);
    ActorRef<DataServer.Command> second = server("data-2", false);
    awaitListed(DataServer.REPLICA_KEY, 2);
    awaitListed(DataServer.SERVICE_KEY, 2);
    // Each server replicates once its listing names its partner; wait until a write shows on the other.
    long key = keyOwnedBy("data-1");
    app.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          first.tell(new DataServer.Access(1, 0, Operation.WRITE, key, app.getRef()));
          long written = app.receiveMessage().version();
          assertEquals(written, version(second, key));
          return null;
        });
    for (int i = 0; i < 5; i++) {
      first.tell(new DataServer.Access(2, 0, Operation.WRITE, key, app.getRef()));
      long acknowledged = app.receiveMessage().version();
      assertEquals(acknowledged, version(second, key), "the backup had the write before it was acknowledged");
    }
  }

  @Test
  void aServerStartedAgainTakesItsKeysBackBeforeItServes() {
    ActorRef<DataServer.Command> first = server("data-1", false);
    ActorRef<DataServer.Command> second = server("data-2", false);
    awaitListed(DataServer.REPLICA_KEY, 2);
    long a = keyOwnedBy("data-1");
    long b = keyOwnedBy("data-2");
    for (int i = 0; i < 3; i++) {
      first.tell(new DataServer.Access(1, 0, Operation.WRITE, a, app.getRef()));
      app.receiveMessage();
      second.tell(new DataServer.Access(1, 0, Operation.WRITE, b, app.getRef()));
      app.receiveMessage();
    }
    kit.stop(first);
    awaitListed(DataServer.REPLICA_KEY, 1);
    // Written while data-1 is gone: its backup alone acknowledges it.
    second.tell(new DataServer.Access(2, 0, Operation.WRITE, a, app.getRef()));
    assertEquals(4, app.receiveMessage().version());

    ActorRef<DataServer.Command> again = server("data-1", true);
    awaitListed(DataServer.SERVICE_KEY, 2); // it registers to serve only once it has its keys
    assertEquals(4, version(again, a));
    assertEquals(3, version(again, b));
    // And from then on it gets the writes of its partner.
    second.tell(new DataServer.Access(3, 0, Operation.WRITE, b, app.getRef()));
    assertEquals(4, app.receiveMessage().version());
    assertEquals(4, version(again, b));
  }

  @Test
  void aRecoveringServerRefusesAccessesUntilItHasItsKeys() {
    ComponentCounters counters = new ComponentCounters();
    ActorRef<DataServer.Command> alone =
        kit.spawn(DataServer.create(settings(), machine, counters, null, new DataServer.Role("data-1", TABLE, true)), "data-1");
    alone.tell(new DataServer.Access(7, 0, Operation.READ, 1, app.getRef()));
    assertEquals(new DataServer.Answer(7, 0, false, 0, FailureReason.DATA_UNAVAILABLE), app.receiveMessage());
    assertEquals(1, counters.rejectedCount());
  }

  @Test
  void aServerThatMissedWritesWhileUnlistedResyncsBeforeItServesAgain() {
    ActorRef<DataServer.Command> first = server("data-1", false);
    ActorRef<DataServer.Command> second = server("data-2", false);
    awaitListed(DataServer.REPLICA_KEY, 2);
    long key = keyOwnedBy("data-1");
    app.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          first.tell(new DataServer.Access(1, 0, Operation.WRITE, key, app.getRef()));
          assertEquals(app.receiveMessage().version(), version(second, key));
          return null;
        });
    long before = version(first, key);
    // data-1 is not listed for a while (as when frozen past the failure detector's pause) ...
    TestProbe<Receptionist.Deregistered> gone = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.deregister(DataServer.REPLICA_KEY, first, gone.getRef()));
    gone.receiveMessage();
    awaitListed(DataServer.REPLICA_KEY, 1);
    // ... while data-2 acknowledges writes of its keys alone.
    app.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          second.tell(new DataServer.Access(2, 0, Operation.WRITE, key, app.getRef()));
          DataServer.Answer answer = app.receiveMessage();
          assertTrue(answer.ok());
          assertTrue(version(first, key) < answer.version(), "data-1 did not get it");
          return null;
        });
    long acknowledged = version(second, key);
    assertTrue(acknowledged > before);
    // Listed again: data-2 tells it; it stops serving, takes its keys back, and serves again.
    TestProbe<Receptionist.Registered> back = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(DataServer.REPLICA_KEY, first, back.getRef()));
    back.receiveMessage();
    app.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(acknowledged, version(first, key));
      return null;
    });
    awaitListed(DataServer.SERVICE_KEY, 2);
  }

  @Test
  void aWriteItsListedPartnerDoesNotAcknowledgeInTimeFails() {
    ActorRef<DataServer.Command> first = server("data-1", false);
    TestProbe<DataServer.Command> silent = kit.createTestProbe();
    ActorRef<DataServer.Command> partner = silentPartner(silent);
    long key = keyOwnedBy("data-1");
    writeUntilReplicated(first, silent, key);
    assertEquals(new DataServer.Answer(1, 0, false, 0, FailureReason.REPLICA_TIMEOUT), app.receiveMessage(Duration.ofSeconds(5)));
  }

  @Test
  void aWriteWaitingForAPartnerThatIsGoneIsAcknowledgedByItsHolder() {
    ActorRef<DataServer.Command> first = server("data-1", false);
    // A partner that takes replicated writes and never answers them, then leaves.
    // (An actor named as the VM, since VMs are known by name; it shows the probe what it gets.)
    TestProbe<DataServer.Command> silent = kit.createTestProbe();
    ActorRef<DataServer.Command> partner = silentPartner(silent);
    long key = keyOwnedBy("data-1");
    // Until data-1's listing names its partner, a write is acknowledged at once; then it is replicated.
    writeUntilReplicated(first, silent, key);
    app.expectNoMessage(Duration.ofMillis(100)); // not acknowledged while its partner may still apply it
    TestProbe<Receptionist.Deregistered> gone = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.deregister(DataServer.REPLICA_KEY, partner, gone.getRef()));
    gone.receiveMessage();
    DataServer.Answer answer = app.receiveMessage(Duration.ofSeconds(5));
    assertTrue(answer.ok(), answer.toString());
  }

  /** A partner named data-2 that takes replicated writes and never answers them; {@code silent} sees what it gets. */
  private ActorRef<DataServer.Command> silentPartner(TestProbe<DataServer.Command> silent) {
    ActorRef<DataServer.Command> partner =
        kit.spawn(Behaviors.monitor(DataServer.Command.class, silent.getRef(), Behaviors.ignore()), "data-2");
    TestProbe<Receptionist.Registered> registered = kit.createTestProbe();
    kit.system().receptionist().tell(Receptionist.register(DataServer.REPLICA_KEY, partner, registered.getRef()));
    registered.receiveMessage();
    return partner;
  }

  /**
   * Writes {@code key} to {@code first} until a write goes to the silent partner: until first's
   * listing names its partner, a write is acknowledged at once. The last write stays unanswered.
   */
  private void writeUntilReplicated(ActorRef<DataServer.Command> first, TestProbe<DataServer.Command> silent, long key) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      first.tell(new DataServer.Access(1, 0, Operation.WRITE, key, app.getRef()));
      try {
        silent.expectMessageClass(DataServer.Replicate.class, Duration.ofMillis(200));
        return;
      } catch (AssertionError notYet) {
        assertTrue(app.receiveMessage().ok());
        assertTrue(System.nanoTime() < deadline, "data-1 never replicated to its listed partner");
      }
    }
  }
}
