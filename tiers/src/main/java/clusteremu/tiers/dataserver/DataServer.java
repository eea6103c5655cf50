package clusteremu.tiers.dataserver;

import clusteremu.tiers.CborSerializable;
import clusteremu.tiers.machine.Machine;
import clusteremu.tiers.machine.Mobile;
import clusteremu.tiers.machine.Traffic;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.request.FailureReason;
import clusteremu.tiers.request.Operation;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The third tier: one partition of a key-value store (see {@link Partitioning}). Each access
 * spends its service demand on the machine's cores, then reads or writes the key. A key's value
 * is its version: a write increments it, a read returns it, so a caller can tell which write it
 * saw.
 */
public final class DataServer extends AbstractBehavior<DataServer.Command> implements Mobile<DataServer.State> {

  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "data-server");

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

  private record AccessServed(Access access) implements Command {}

  /**
   * Everything a data server holds, as it moves with its VM: each key and its version, the
   * accesses still on the CPU (their completions reach the old place and are forwarded) and the
   * counts.
   */
  public record State(long[] keys, long[] versions, int held, ComponentCounters.Snapshot counters) implements CborSerializable {}

  public static Behavior<Command> create(
      DataServerSettings settings, Machine machine, ComponentCounters counters) {
    return create(settings, machine, counters, null);
  }

  /** A data server that begins from {@code restored} (null: empty). */
  public static Behavior<Command> create(
      DataServerSettings settings, Machine machine, ComponentCounters counters, State restored) {
    return Behaviors.setup(context -> new DataServer(context, settings, machine, counters, restored));
  }

  private final DataServerSettings settings;
  private final Machine machine;
  private final ComponentCounters counters;
  private final SplittableRandom random;
  private final Map<Long, Long> versions = new HashMap<>();
  private int held;

  private DataServer(
      ActorContext<Command> context,
      DataServerSettings settings,
      Machine machine,
      ComponentCounters counters,
      State restored) {
    super(context);
    this.settings = settings;
    this.machine = machine;
    this.counters = counters;
    this.random = new SplittableRandom(settings.seed());
    if (restored != null) {
      for (int i = 0; i < restored.keys().length; i++) {
        versions.put(restored.keys()[i], restored.versions()[i]);
      }
      held = restored.held();
      counters.restore(restored.counters());
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
    return new State(keys, values, held, counters.snapshot());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Access.class, this::onAccess)
        .onMessage(AccessServed.class, this::onAccessServed)
        .build();
  }

  private Behavior<Command> onAccess(Access access) {
    counters.received();
    if (held >= settings.queueCapacity()) {
      counters.rejected();
      machine.send(
          access.replyTo(),
          new Answer(access.job(), access.call(), false, 0, FailureReason.DATA_SERVER_QUEUE_FULL));
      return this;
    }
    held++;
    machine.computeOnData(
        access.key(), settings.demand().sampleNanos(random), getContext().getSelf(), new AccessServed(access));
    return this;
  }

  private Behavior<Command> onAccessServed(AccessServed served) {
    Access access = served.access();
    held--;
    long version;
    if (access.operation() == Operation.WRITE) {
      version = versions.merge(access.key(), 1L, Long::sum);
      machine.writeData(access.key());
    } else {
      version = versions.getOrDefault(access.key(), 0L);
    }
    counters.completed();
    machine.send(access.replyTo(), new Answer(access.job(), access.call(), true, version, null));
    return this;
  }
}
