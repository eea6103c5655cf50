package clusteremu.tiers.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A machine for tests whose CPU work completes only when the test says so ({@link #release()}),
 * or at once when built {@link #instant()}. Sending is a plain tell, as on a real node. A guest's
 * VM is named after its actor (a probe's name), and a VM name reaches the reference last named so.
 */
public final class HeldMachine implements Machine {
  private final boolean instant;
  /** Work of no demand is done at once from now on, though other work is still held. */
  private volatile boolean noDemandAtOnce;
  private final List<Runnable> held = new ArrayList<>();
  private final Map<String, ActorRef<?>> guests = new ConcurrentHashMap<>();

  private HeldMachine(boolean instant) {
    this.instant = instant;
  }

  public static HeldMachine instant() {
    return new HeldMachine(true);
  }

  public static HeldMachine held() {
    return new HeldMachine(false);
  }

  @Override
  public synchronized <T> void compute(long demandNanos, ActorRef<T> replyTo, T whenDone) {
    if (instant) {
      replyTo.tell(whenDone);
    } else {
      held.add(() -> replyTo.tell(whenDone));
    }
  }

  @Override
  public boolean computesAtOnce(long demandNanos) {
    return (instant || noDemandAtOnce) && demandNanos <= 0;
  }

  /** From now on, a component may go straight on after work of no demand ({@link #computesAtOnce}). */
  public void doNoDemandAtOnce() {
    noDemandAtOnce = true;
  }

  /** Completes all work held so far; returns how much there was. */
  public synchronized int release() {
    List<Runnable> now = new ArrayList<>(held);
    held.clear();
    now.forEach(Runnable::run);
    return now.size();
  }

  public synchronized int heldCount() {
    return held.size();
  }

  @Override
  public <T> void send(ActorRef<T> to, T message) {
    to.tell(message);
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T> boolean sendToVm(String vm, T message) {
    ActorRef<T> guest = (ActorRef<T>) guests.get(vm);
    if (guest == null) {
      throw new IllegalStateException("no guest named " + vm + " was listed to this machine");
    }
    guest.tell(message);
    return true;
  }

  @Override
  public String vmOf(ActorRef<?> guest) {
    String vm = guest.path().name();
    guests.put(vm, guest);
    return vm;
  }

  @Override
  public synchronized int cpuQueueLength() {
    return held.size();
  }

  @Override
  public long cpuBusyNanos() {
    return 0;
  }

  @Override
  public int cores() {
    return 1;
  }
}
