package clusteremu.tiers.dataserver;

import clusteremu.tiers.CborSerializable;
import clusteremu.tiers.machine.Machine;
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
public final class DataServer extends AbstractBehavior<DataServer.Command> {

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

  public static Behavior<Command> create(
      DataServerSettings settings, Machine machine, ComponentCounters counters) {
    return Behaviors.setup(context -> new DataServer(context, settings, machine, counters));
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
      ComponentCounters counters) {
    super(context);
    this.settings = settings;
    this.machine = machine;
    this.counters = counters;
    this.random = new SplittableRandom(settings.seed());
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
    machine.compute(
        settings.demand().sampleNanos(random), getContext().getSelf(), new AccessServed(access));
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
