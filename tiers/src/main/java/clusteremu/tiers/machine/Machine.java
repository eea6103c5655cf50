package clusteremu.tiers.machine;

import clusteremu.tiers.time.TimeDilation;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The emulated machine a tier component runs on, as the component sees it: CPU time to spend
 * and a way to reach peers. Components never schedule emulated work or touch the network
 * themselves, so the machine under them (a whole node, or a VM on a host with a network
 * model) can change without rewriting them.
 *
 * <p>Both calls are made from inside the component's actor and must not block it.
 */
public interface Machine extends Outbound {

  /**
   * Spends {@code demandNanos} of emulated CPU time and then tells {@code whenDone} to
   * {@code replyTo}. Work queues for the machine's cores in arrival order; a demand of zero
   * completes at once.
   */
  <T> void compute(long demandNanos, ActorRef<T> replyTo, T whenDone);

  /**
   * Sends {@code message} to a reference a peer gave (a client, a reply inbox), paying whatever
   * the machine's network costs.
   */
  @Override
  <T> void send(ActorRef<T> to, T message);

  /**
   * Sends {@code message} to the guest of the VM named {@code vm}, wherever that VM runs now: the
   * machine finds its current place, so a VM that moves keeps its name and its callers. The
   * message must be of the type that VM's guest takes. False, sending nothing, when the VM runs
   * nowhere now (its host crashed, or this JVM has not heard yet where it runs again): the caller
   * fails what it sent at once rather than wait for an answer that cannot come.
   */
  <T> boolean sendToVm(String vm, T message);

  /** The name of the VM whose guest {@code guest} is (as listed by the receptionist). */
  String vmOf(ActorRef<?> guest);

  /**
   * As {@link #compute}, on the data stored under {@code key}: a VM whose page for that key has
   * not arrived yet (it has just moved by post-copy) first fetches it, and the work waits.
   */
  default <T> void computeOnData(long key, long demandNanos, ActorRef<T> replyTo, T whenDone) {
    compute(demandNanos, replyTo, whenDone);
  }

  /**
   * True when {@link #compute} of {@code demandNanos} would be done at once (no demand): the
   * component may then go straight on within the message it handles, rather than through
   * {@code whenDone} told to itself, a real mailbox hop that no emulated time asks for. False, the
   * default, always waits for {@code whenDone}.
   */
  default boolean computesAtOnce(long demandNanos) {
    return false;
  }

  /** As {@link #computesAtOnce}, for {@link #computeOnData}: also false while the key's page is still to arrive. */
  default boolean computesOnDataAtOnce(long key, long demandNanos) {
    return computesAtOnce(demandNanos);
  }

  /**
   * Writes the data stored under {@code key} to memory. A VM marks the page it lives on dirty;
   * a machine without emulated memory does nothing.
   */
  default void writeData(long key) {}

  /**
   * The guest whose state this machine's VM carries when it moves; guests call it once, as they
   * start. A machine that never moves ignores it.
   */
  default void carry(Mobile<?> guest) {}

  /**
   * The machine's emulated time: components read the clock and set their timers through it, so
   * their timeouts stretch with the datacenter's durations under time dilation.
   */
  default TimeDilation time() {
    return TimeDilation.NONE;
  }

  /** CPU work items waiting for a core (not counting those running). */
  int cpuQueueLength();

  /** Emulated CPU time spent so far, summed over all cores, in nanoseconds. */
  long cpuBusyNanos();

  /** How many cores the machine has. */
  int cores();
}
