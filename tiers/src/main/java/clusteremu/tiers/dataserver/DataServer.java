package clusteremu.tiers.dataserver;

import clusteremu.tiers.CborSerializable;
import clusteremu.tiers.machine.Machine;
import clusteremu.tiers.machine.Mobile;
import clusteremu.tiers.machine.Traffic;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.protocol.FailureReason;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.time.TimeDilation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The third tier: one partition of a key-value store (see {@link Partitioning}). Each access
 * spends its service demand on the machine's cores, then reads or writes the key. A key's value
 * is its version: a write increments it, a read returns it, so a caller can tell which write it
 * saw.
 *
 * <p>With replication 2, a write is applied here and then at the key's other holder ({@link
 * Replicate}, paying the demand there too) before it is answered, so that an acknowledged write
 * survives the loss of either. The other holders are those listed under {@link #REPLICA_KEY}
 * (reachable) and those that asked to be synced. A data server started again after its JVM was
 * lost ({@code recovering}) comes back empty: it takes its keys from its partners first ({@link
 * SyncRequest}; from that message on they replicate to it, so it misses no write), and only then
 * registers to serve; until then an access is refused with {@code data-unavailable}.
 */
public final class DataServer extends AbstractBehavior<DataServer.Command> implements Mobile<DataServer.State> {

  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "data-server");

  /** Data servers that take replicated writes (every data server, with replication 2, as soon as it starts). */
  public static final ServiceKey<Command> REPLICA_KEY = ServiceKey.create(Command.class, "data-replica");

  /**
   * A replicated write its partner, still listed, has not acknowledged this long fails with {@code
   * replica-timeout} (it is applied here, but not acknowledged: no client was told it is safe). Below
   * the app servers' 2 s data timeout, so the reason reaches the client.
   */
  static final Duration REPLICA_TIMEOUT = Duration.ofMillis(1500);

  /** How long a recovering data server waits for its partners to be listed before it syncs from those that are. */
  static final Duration RECOVERY_WAIT = Duration.ofSeconds(15);

  /** Keys a sync message carries at most, well within Artery's frame. */
  static final int SYNC_CHUNK = 4096;

  public interface Command extends CborSerializable {}

  /** Read or write {@code key} for call number {@code call} of an app server's {@code job}. */
  public record Access(
      long job, int call, Operation operation, long key, ActorRef<Answer> replyTo)
      implements Command, Traffic.Carried {
    @Override
    public Traffic traffic() {
      return Traffic.DATA_ACCESS;
    }
  }

  /** The outcome of an {@link Access}: the key's version after it, or a failure reason. */
  public record Answer(long job, int call, boolean ok, long version, String failure)
      implements CborSerializable, Traffic.Carried {
    @Override
    public Traffic traffic() {
      return Traffic.DATA_ANSWER;
    }
  }

  /** A write applied at the key's other holder: {@code version} is the key's version after it. */
  public record Replicate(long key, long version, long ticket, ActorRef<Replicated> replyTo) implements Command, Traffic.Carried {
    @Override
    public Traffic traffic() {
      return Traffic.DATA_ACCESS;
    }
  }

  /** A {@link Replicate} applied. */
  public record Replicated(long ticket) implements CborSerializable, Traffic.Carried {
    @Override
    public Traffic traffic() {
      return Traffic.DATA_ANSWER;
    }
  }

  /**
   * You missed writes: a partner acknowledged writes of keys you hold alone while you were not
   * listed (unreachable: frozen, or cut off from the membership). The data server stops serving,
   * takes its keys back from its partners as a recovering one does, and serves again.
   */
  public record Diverged(String from) implements Command {}

  /** A recovering data server {@code from} asks for the keys it holds; from this message on, its partner replicates to it. */
  public record SyncRequest(String from, ActorRef<SyncChunk> replyTo) implements Command {}

  /** Some of the keys asked for, with their versions; {@code last} ends the answer of {@code from}. */
  public record SyncChunk(String from, long[] keys, long[] versions, boolean last) implements CborSerializable {}

  /** How a data server takes part in replication: its VM, the table, and whether it starts again after a loss. */
  public record Role(String vm, Partitioning partitioning, boolean recovering) {
    /** No replication: a data server that only serves. */
    public static Role alone(String vm) {
      return new Role(vm, new Partitioning(List.of(vm)), false);
    }
  }

  private record AccessServed(Access access) implements Command {}

  private record ReplicateServed(Replicate replicate) implements Command {}

  private record ReplicaAcked(Replicated replicated) implements Command {}

  private record ReplicasChanged(Receptionist.Listing listing) implements Command {}

  private record SyncReceived(SyncChunk chunk) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private enum RecoveryWaitOver implements Command {
    INSTANCE
  }

  /** A write applied here and waiting for its partner's {@link Replicated}. */
  public record PendingWrite(long ticket, Access access, long version, String partner, long ageNanos) implements CborSerializable {}

  /**
   * Everything a data server holds, as it moves with its VM: each key and its version, the
   * accesses still on the CPU (their completions reach the old place and are forwarded), the
   * writes waiting for their partner, and the counts.
   */
  public record State(long[] keys, long[] versions, int held, List<PendingWrite> pending, ComponentCounters.Snapshot counters)
      implements CborSerializable {}

  public static Behavior<Command> create(
      DataServerSettings settings, Machine machine, ComponentCounters counters) {
    return create(settings, machine, counters, null, null);
  }

  /**
   * A data server that begins from {@code restored} (null: empty).
   *
   * @param role its part in replication; null: alone, registered by whoever started it
   */
  public static Behavior<Command> create(
      DataServerSettings settings, Machine machine, ComponentCounters counters, State restored, Role role) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new DataServer(context, timers, settings, machine, counters, restored, role)));
  }

  private final DataServerSettings settings;
  private final Machine machine;
  /** Emulated time: the clock and the timers run slower under time dilation. */
  private final TimeDilation time;
  private final ComponentCounters counters;
  private final SplittableRandom random;
  private final Role role;
  private final Set<String> partners;
  private final TimerScheduler<Command> timers;
  private final ActorRef<Replicated> ackInbox;
  private final ActorRef<SyncChunk> syncInbox;
  private final Map<Long, Long> versions = new HashMap<>();
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  /** Partners listed under REPLICA_KEY now, and those that asked to be synced and are not listed yet. */
  private Set<String> listed = Set.of();
  private final Map<String, Long> announced = new HashMap<>();
  /** Partners that missed writes acknowledged here alone while they were not listed: told to resync once listed again. */
  private final Set<String> behind = new HashSet<>();
  /** While recovering: the partners asked for their keys, and those that have sent them all. */
  private boolean recovering;
  /** Recovering after a divergence (its JVM ran on): the partners listed now are enough. */
  private boolean resyncing;
  private final Set<String> asked = new HashSet<>();
  private final Set<String> synced = new HashSet<>();
  private long nextTicket;
  private int held;

  private static final class Pending {
    final Access access;
    final long version;
    final String partner;
    final long sentAt;

    Pending(Access access, long version, String partner, long sentAt) {
      this.access = access;
      this.version = version;
      this.partner = partner;
      this.sentAt = sentAt;
    }
  }

  private DataServer(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      DataServerSettings settings,
      Machine machine,
      ComponentCounters counters,
      State restored,
      Role role) {
    super(context);
    this.settings = settings;
    this.machine = machine;
    this.time = machine.time();
    this.counters = counters;
    this.random = new SplittableRandom(settings.seed());
    this.role = role;
    this.timers = timers;
    this.partners = role == null ? Set.of() : role.partitioning().partnersOf(role.vm());
    this.ackInbox = context.messageAdapter(Replicated.class, ReplicaAcked::new);
    this.syncInbox = context.messageAdapter(SyncChunk.class, SyncReceived::new);
    if (restored != null) {
      for (int i = 0; i < restored.keys().length; i++) {
        versions.put(restored.keys()[i], restored.versions()[i]);
      }
      held = restored.held();
      long now = time.nanoTime();
      for (PendingWrite write : restored.pending()) {
        pending.put(write.ticket(), new Pending(write.access(), write.version(), write.partner(), now - write.ageNanos()));
        nextTicket = Math.max(nextTicket, write.ticket() + 1);
      }
      counters.restore(restored.counters());
    }
    if (!partners.isEmpty()) {
      ActorRef<Receptionist.Command> receptionist = context.getSystem().receptionist();
      receptionist.tell(Receptionist.register(REPLICA_KEY, context.getSelf()));
      receptionist.tell(Receptionist.subscribe(REPLICA_KEY, context.messageAdapter(Receptionist.Listing.class, ReplicasChanged::new)));
      timers.startTimerWithFixedDelay(Tick.INSTANCE, time.real(Duration.ofMillis(100)));
      recovering = role.recovering() && restored == null;
      if (recovering) {
        timers.startSingleTimer(RecoveryWaitOver.INSTANCE, time.real(RECOVERY_WAIT));
        context.getLog().info("data server {} recovering: waiting for its partners {}", role.vm(), partners);
      }
    }
    if (role != null && !recovering) {
      context.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, context.getSelf()));
    }
    machine.carry(this);
  }

  @Override
  public State capture() {
    long[] keys = new long[versions.size()];
    long[] values = new long[versions.size()];
    int i = 0;
    for (Map.Entry<Long, Long> entry : versions.entrySet()) {
      keys[i] = entry.getKey();
      values[i++] = entry.getValue();
    }
    long now = time.nanoTime();
    List<PendingWrite> writes = new ArrayList<>();
    pending.forEach((ticket, p) -> writes.add(new PendingWrite(ticket, p.access, p.version, p.partner, now - p.sentAt)));
    return new State(keys, values, held, writes, counters.snapshot());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Access.class, this::onAccess)
        .onMessage(AccessServed.class, this::onAccessServed)
        .onMessage(Replicate.class, this::onReplicate)
        .onMessage(ReplicateServed.class, this::onReplicateServed)
        .onMessage(ReplicaAcked.class, this::onReplicaAcked)
        .onMessage(ReplicasChanged.class, this::onReplicasChanged)
        .onMessage(SyncRequest.class, this::onSyncRequest)
        .onMessage(Diverged.class, this::onDiverged)
        .onMessage(SyncReceived.class, this::onSyncReceived)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(RecoveryWaitOver.INSTANCE, this::onRecoveryWaitOver)
        .build();
  }

  private Behavior<Command> onAccess(Access access) {
    counters.received();
    if (recovering) {
      counters.rejected();
      machine.send(access.replyTo(), new Answer(access.job(), access.call(), false, 0, FailureReason.DATA_UNAVAILABLE));
      return this;
    }
    if (held >= settings.queueCapacity()) {
      counters.rejected();
      machine.send(
          access.replyTo(),
          new Answer(access.job(), access.call(), false, 0, FailureReason.DATA_SERVER_QUEUE_FULL));
      return this;
    }
    held++;
    long demand = settings.demand().sampleNanos(random);
    if (machine.computesOnDataAtOnce(access.key(), demand)) {
      return onAccessServed(new AccessServed(access));
    }
    machine.computeOnData(access.key(), demand, getContext().getSelf(), new AccessServed(access));
    return this;
  }

  private Behavior<Command> onAccessServed(AccessServed served) {
    Access access = served.access();
    held--;
    if (access.operation() != Operation.WRITE) {
      answer(access, versions.getOrDefault(access.key(), 0L));
      return this;
    }
    long version = versions.merge(access.key(), 1L, Long::sum);
    machine.writeData(access.key());
    String partner = partnerFor(access.key());
    if (partner == null) {
      answer(access, version);
      return this;
    }
    long ticket = nextTicket++;
    pending.put(ticket, new Pending(access, version, partner, time.nanoTime()));
    machine.sendToVm(partner, new Replicate(access.key(), version, ticket, ackInbox));
    return this;
  }

  /** The key's other holder when it takes replicated writes now; null otherwise. */
  private String partnerFor(long key) {
    if (partners.isEmpty()) {
      return null;
    }
    for (String holder : role.partitioning().holders(key)) {
      if (!holder.equals(role.vm())) {
        if (listed.contains(holder) || announced.containsKey(holder)) {
          return holder;
        }
        behind.add(holder); // acknowledged here alone: it misses this write
      }
    }
    return null;
  }

  private Behavior<Command> onReplicate(Replicate replicate) {
    long demand = settings.demand().sampleNanos(random);
    if (machine.computesOnDataAtOnce(replicate.key(), demand)) {
      return onReplicateServed(new ReplicateServed(replicate));
    }
    machine.computeOnData(replicate.key(), demand, getContext().getSelf(), new ReplicateServed(replicate));
    return this;
  }

  private Behavior<Command> onReplicateServed(ReplicateServed served) {
    Replicate replicate = served.replicate();
    versions.merge(replicate.key(), replicate.version(), Math::max);
    machine.writeData(replicate.key());
    machine.send(replicate.replyTo(), new Replicated(replicate.ticket()));
    return this;
  }

  private Behavior<Command> onReplicaAcked(ReplicaAcked acked) {
    Pending write = pending.remove(acked.replicated().ticket());
    if (write != null) {
      answer(write.access, write.version);
    }
    return this;
  }

  private Behavior<Command> onReplicasChanged(ReplicasChanged changed) {
    Set<String> now = new HashSet<>();
    for (ActorRef<Command> replica : changed.listing().getServiceInstances(REPLICA_KEY)) {
      String vm = machine.vmOf(replica);
      if (partners.contains(vm)) {
        now.add(vm);
      }
    }
    listed = Set.copyOf(now);
    announced.keySet().removeAll(now);
    // Writes waiting for a partner that is gone are acknowledged by this holder alone; it is behind.
    answerPendingWhere(p -> !listed.contains(p.partner) && !announced.containsKey(p.partner), null);
    for (String partner : listed) {
      if (behind.remove(partner)) {
        getContext().getLog().info("data server {} is back after writes acknowledged here alone; telling it to resync", partner);
        machine.sendToVm(partner, new Diverged(role.vm()));
      }
    }
    if (recovering) {
      for (String partner : listed) {
        if (asked.add(partner)) {
          machine.sendToVm(partner, new SyncRequest(role.vm(), syncInbox));
        }
      }
    }
    return this;
  }

  private Behavior<Command> onSyncRequest(SyncRequest request) {
    if (!partners.contains(request.from())) {
      getContext().getLog().warn("sync asked by {}, which shares no key with {}; ignored", request.from(), role == null ? "this data server" : role.vm());
      return this;
    }
    // From here on its writes reach it too, so the keys below and those writes miss nothing.
    announced.put(request.from(), time.nanoTime());
    behind.remove(request.from());
    List<Long> keys = new ArrayList<>();
    versions.forEach(
        (key, version) -> {
          if (role.partitioning().holds(request.from(), key)) {
            keys.add(key);
          }
        });
    for (int from = 0; from < keys.size() || from == 0; from += SYNC_CHUNK) {
      int to = Math.min(keys.size(), from + SYNC_CHUNK);
      long[] chunkKeys = new long[to - from];
      long[] chunkVersions = new long[to - from];
      for (int i = from; i < to; i++) {
        chunkKeys[i - from] = keys.get(i);
        chunkVersions[i - from] = versions.get(keys.get(i));
      }
      machine.send(request.replyTo(), new SyncChunk(role.vm(), chunkKeys, chunkVersions, to == keys.size()));
    }
    getContext().getLog().info("sent {} keys to recovering data server {}", keys.size(), request.from());
    return this;
  }

  private Behavior<Command> onSyncReceived(SyncReceived received) {
    SyncChunk chunk = received.chunk();
    for (int i = 0; i < chunk.keys().length; i++) {
      versions.merge(chunk.keys()[i], chunk.versions()[i], Math::max);
    }
    if (chunk.last()) {
      synced.add(chunk.from());
      // Started again: every partner has answered. Resyncing after a divergence: those asked have.
      if (recovering && synced.containsAll(asked) && (resyncing || synced.containsAll(partners))) {
        recovered();
      }
    }
    return this;
  }

  private Behavior<Command> onRecoveryWaitOver() {
    if (recovering) {
      Set<String> missing = new HashSet<>(partners);
      missing.removeAll(synced);
      getContext().getLog().warn("data server {}: no keys from {} within {} s; serving what its other partners gave", role.vm(), missing, RECOVERY_WAIT.toSeconds());
      recovered();
    }
    return this;
  }

  private void recovered() {
    recovering = false;
    resyncing = false;
    getContext().getLog().info("data server {} recovered {} keys from {}; serving", role.vm(), versions.size(), synced);
    getContext().getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, getContext().getSelf()));
  }

  private Behavior<Command> onDiverged(Diverged diverged) {
    if (recovering || partners.isEmpty()) {
      return this;
    }
    getContext().getLog().warn("data server {} missed writes while it was not listed ({} says so): resyncing before it serves again", role.vm(), diverged.from());
    recovering = true;
    resyncing = true;
    asked.clear();
    synced.clear();
    getContext().getSystem().receptionist().tell(Receptionist.deregister(SERVICE_KEY, getContext().getSelf()));
    timers.startSingleTimer(RecoveryWaitOver.INSTANCE, time.real(RECOVERY_WAIT));
    for (String partner : listed) {
      asked.add(partner);
      machine.sendToVm(partner, new SyncRequest(role.vm(), syncInbox));
    }
    return this;
  }

  private Behavior<Command> onTick() {
    long now = time.nanoTime();
    // A listed partner that does not acknowledge in time fails the write: it is not on two copies.
    answerPendingWhere(p -> now - p.sentAt > REPLICA_TIMEOUT.toNanos(), FailureReason.REPLICA_TIMEOUT);
    // One that asked to be synced and never got listed is gone.
    announced.values().removeIf(since -> now - since > RECOVERY_WAIT.toNanos() * 2);
    return this;
  }

  /** Answers the waiting writes that match: ok (acknowledged by this holder alone, its partner now behind), or failed with {@code failure}. */
  private void answerPendingWhere(java.util.function.Predicate<Pending> condition, String failure) {
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending write = it.next();
      if (condition.test(write)) {
        it.remove();
        if (failure == null) {
          behind.add(write.partner);
          answer(write.access, write.version);
        } else {
          counters.failed();
          machine.send(write.access.replyTo(), new Answer(write.access.job(), write.access.call(), false, 0, failure));
        }
      }
    }
  }

  private void answer(Access access, long version) {
    counters.completed();
    machine.send(access.replyTo(), new Answer(access.job(), access.call(), true, version, null));
  }
}
