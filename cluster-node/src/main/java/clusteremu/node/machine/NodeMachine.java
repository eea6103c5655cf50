package clusteremu.node.machine;

import clusteremu.tiers.machine.Machine;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The machine a component runs on when it runs straight on a node: its own {@link FifoCores}
 * and a network that costs nothing beyond what Pekko's remoting really takes. (The datacenter
 * model replaces this with VMs on hosts and emulated links.)
 */
public final class NodeMachine implements Machine {
  private final FifoCores cpu;
  private final CompletionClock clock;

  public NodeMachine(int cores, CompletionClock clock) {
    this.cpu = new FifoCores(cores, System.nanoTime());
    this.clock = clock;
  }

  @Override
  public <T> void compute(long demandNanos, ActorRef<T> replyTo, T whenDone) {
    if (demandNanos <= 0) {
      replyTo.tell(whenDone);
      return;
    }
    clock.at(cpu.submit(demandNanos, System.nanoTime()), () -> replyTo.tell(whenDone));
  }

  @Override
  public <T> void send(ActorRef<T> to, T message) {
    to.tell(message);
  }

  @Override
  public int cpuQueueLength() {
    return cpu.queueLength(System.nanoTime());
  }

  @Override
  public long cpuBusyNanos() {
    return cpu.busyNanos(System.nanoTime());
  }

  @Override
  public int cores() {
    return cpu.cores();
  }
}
