package clusteremu.node.bench;

import clusteremu.tiers.CborSerializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The benchmark's baseline: plain forwarding actors on the same JVMs and over the same hops as
 * the three tiers, doing nothing but pass a request on and its answer back. An entry relay on the
 * dispatcher's node forwards to the relays on the app servers' nodes in turn, which forward to a
 * relay on a data node, which answers at once. In proxy style the answer retraces the chain
 * (each relay remembering where it came from, as a proxy must); in direct style the app relay
 * answers the client itself, as handoff does; with a done notice it then also tells the entry,
 * which kept the request until then, as a handoff's app server tells the dispatcher ({@code
 * Finished}): the same six messages a request as the tiers in handoff mode. Started only when
 * {@code clusteremu.bench.bare-chain = on}.
 */
public final class BareRelay extends AbstractBehavior<BareRelay.Command> {

  public static final ServiceKey<Command> ENTRY = ServiceKey.create(Command.class, "bare-relay-entry");
  public static final ServiceKey<Command> MIDDLE = ServiceKey.create(Command.class, "bare-relay-middle");
  public static final ServiceKey<Command> END = ServiceKey.create(Command.class, "bare-relay-end");

  public interface Command extends CborSerializable {}

  /**
   * A request; {@code direct}: the middle relay answers {@code replyTo} itself; {@code notice}: and
   * then tells the entry, whose reference the entry puts into {@code doneTo} (null from a client).
   */
  public record Hop(long id, ActorRef<Back> replyTo, boolean direct, boolean notice, ActorRef<Done> doneTo) implements Command {
    /** A request without a done notice. */
    public Hop(long id, ActorRef<Back> replyTo, boolean direct) {
      this(id, replyTo, direct, false, null);
    }
  }

  /** The answer to a {@link Hop}. */
  public record Back(long id) implements CborSerializable {}

  /** The middle relay answered request {@code id} itself (direct style with a done notice). */
  public record Done(long id) implements CborSerializable {}

  private record DoneNoticed(Done done) implements Command {}

  private record Answered(Back back) implements Command {}

  private record NextChanged(Receptionist.Listing listing) implements Command {}

  /** Who asked, under which id, for a hop this relay passed on, and who to tell once it is answered (or null). */
  private record Waiting(long id, ActorRef<Back> replyTo, ActorRef<Done> doneTo) {}

  /** A relay at {@code position} in the chain; the end relay has no next. */
  public static Behavior<Command> create(ServiceKey<Command> position) {
    return Behaviors.setup(context -> new BareRelay(context, position));
  }

  private final ServiceKey<Command> nextKey;
  private final ActorRef<Back> inbox;
  private final ActorRef<Done> doneInbox;
  private final Map<Long, Waiting> pending = new HashMap<>();
  /** Requests handed to a middle relay that will say when it has answered them (the dispatcher's tickets, in handoff). */
  private final java.util.Set<Long> handedOff = new java.util.HashSet<>();
  private List<ActorRef<Command>> next = List.of();
  private int turn;
  private long nextId;

  private BareRelay(ActorContext<Command> context, ServiceKey<Command> position) {
    super(context);
    this.nextKey = position == ENTRY ? MIDDLE : position == MIDDLE ? END : null;
    this.inbox = context.messageAdapter(Back.class, Answered::new);
    this.doneInbox = context.messageAdapter(Done.class, DoneNoticed::new);
    context.getSystem().receptionist().tell(Receptionist.register(position, context.getSelf()));
    if (nextKey != null) {
      context
          .getSystem()
          .receptionist()
          .tell(Receptionist.subscribe(nextKey, context.messageAdapter(Receptionist.Listing.class, NextChanged::new)));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Hop.class, this::onHop)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(DoneNoticed.class, noticed -> {
          handedOff.remove(noticed.done().id());
          return this;
        })
        .onMessage(NextChanged.class, this::onNextChanged)
        .build();
  }

  private Behavior<Command> onHop(Hop hop) {
    if (nextKey == null) {
      hop.replyTo().tell(new Back(hop.id()));
      return this;
    }
    if (next.isEmpty()) {
      return this; // the bench checks the whole chain answers before it measures
    }
    ActorRef<Command> target = next.get(turn = (turn + 1) % next.size());
    if (hop.direct() && nextKey == MIDDLE) {
      // Direct style: the middle answers the client; the entry keeps the request only if told when.
      if (hop.notice()) {
        handedOff.add(hop.id());
        target.tell(new Hop(hop.id(), hop.replyTo(), true, true, doneInbox));
      } else {
        target.tell(hop);
      }
      return this;
    }
    long local = nextId++;
    pending.put(local, new Waiting(hop.id(), hop.replyTo(), hop.doneTo()));
    target.tell(new Hop(local, inbox, false));
    return this;
  }

  private Behavior<Command> onAnswered(Answered answered) {
    Waiting waiting = pending.remove(answered.back().id());
    if (waiting != null) {
      waiting.replyTo().tell(new Back(waiting.id()));
      if (waiting.doneTo() != null) {
        waiting.doneTo().tell(new Done(waiting.id()));
      }
    }
    return this;
  }

  private Behavior<Command> onNextChanged(NextChanged changed) {
    List<ActorRef<Command>> refs = new ArrayList<>(changed.listing().getServiceInstances(nextKey));
    refs.sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
    next = List.copyOf(refs);
    return this;
  }
}
