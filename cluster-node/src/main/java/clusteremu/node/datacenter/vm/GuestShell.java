package clusteremu.node.datacenter.vm;

import clusteremu.node.datacenter.emulation.VmMachine;
import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What a VM wraps around its guest so that it can move: on {@link Pause} the guest's state is
 * captured on its own thread and every message that arrives after it waits, in order; on {@link
 * ForwardTo} the waiting messages and all later ones go to the guest's new place. A stale sender,
 * a CPU burst finishing here, an answer to one of the guest's reply inboxes: none is lost.
 */
final class GuestShell extends BehaviorInterceptor<Object, Object> {
  /** Pauses the guest; answered with its captured state. */
  record Pause(ActorRef<Paused> replyTo) {}

  record Paused(GuestState state) {}

  /** From now on, everything for the guest goes to {@code guest}. */
  record ForwardTo(ActorRef<Object> guest) {}

  /** The guest did not move after all: it runs on here, and what waited is served in order. */
  record Resume() {}

  private final VmMachine machine;
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private boolean paused;
  private ActorRef<Object> forwardTo;
  /** The guest's behaviour now, as started (see {@link #guest}). */
  private Behavior<Object> current;

  private GuestShell(VmMachine machine) {
    super(Object.class);
    this.machine = machine;
  }

  /** The guest behaviour wrapped in a shell of its own. */
  static Behavior<Object> around(Behavior<?> guest, VmMachine machine) {
    return Behaviors.intercept(() -> new GuestShell(machine), guest.unsafeCast());
  }

  @Override
  public Behavior<Object> aroundStart(TypedActorContext<Object> context, PreStartTarget<Object> target) {
    current = target.start(context);
    return current;
  }

  @Override
  public Behavior<Object> aroundReceive(TypedActorContext<Object> context, Object message, ReceiveTarget<Object> target) {
    if (!paused && forwardTo == null && !(message instanceof Pause) && !(message instanceof ForwardTo) && !(message instanceof Resume)) {
      return guest(target.apply(context, message)); // the guest runs here: nothing to hold or forward
    }
    if (message instanceof Pause pause) {
      paused = true;
      pause.replyTo().tell(new Paused(GuestState.of(machine.captureGuest())));
      return Behaviors.same();
    }
    if (message instanceof Resume) {
      paused = false;
      Object next;
      while ((next = waiting.poll()) != null) {
        context.asJava().getSelf().tell(next);
      }
      return Behaviors.same();
    }
    if (message instanceof ForwardTo forward) {
      forwardTo = forward.guest();
      Object next;
      while ((next = waiting.poll()) != null) {
        forwardTo.tell(next);
      }
      return Behaviors.same();
    }
    if (message.getClass().getName().startsWith("org.apache.pekko.")) {
      // The guest's own timers: they tick where the guest runs, and stop here once it has moved.
      return forwardTo != null ? Behaviors.same() : guest(target.apply(context, message));
    }
    if (forwardTo != null) {
      forwardTo.tell(message);
      return Behaviors.same();
    }
    if (paused) {
      waiting.add(message);
      return Behaviors.same();
    }
    return guest(target.apply(context, message));
  }

  /**
   * What the guest's handler returned, as the interceptor should return it: {@code same} when it
   * is the guest's behaviour unchanged. A guest written as an {@code AbstractBehavior} returns
   * itself, not {@code same}, and Pekko's interceptor wraps any behaviour but {@code same} in a
   * new interceptor: one object per message, seen in JFR's allocation samples.
   */
  private Behavior<Object> guest(Behavior<Object> next) {
    if (next == current) {
      return Behaviors.same();
    }
    if (Behavior.isAlive(next) && !Behavior.isUnhandled(next) && next != Behaviors.same()) {
      current = next;
    }
    return next;
  }
}
