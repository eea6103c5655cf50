package clusteremu.node.datacenter.host;

import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.vm.Vm;
import clusteremu.tiers.CborSerializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A physical host: the hypervisor that owns its cores and memory (modelled by the node's
 * {@code HostCpu} and the VMs' pages) and runs its VMs as child actors named after them. Starting
 * a VM here gives it vCPUs and pages on this host; stopping one gives them back.
 */
public final class Host {
  public interface Command {}

  /** Starts VM {@code vm} on this host; answered with {@link VmStarted}. */
  public record StartVm(VmSpec vm, ActorRef<VmStarted> replyTo) implements Command {}

  /** @param started false when a VM of that name already runs here (nothing changed) */
  public record VmStarted(String vm, boolean started) implements CborSerializable {}

  /** Stops VM {@code vm} and frees what it held; answered with {@link VmStopped} once it has. */
  public record StopVm(String vm, ActorRef<VmStopped> replyTo) implements Command {}

  /** @param wasHere false when no VM of that name ran here */
  public record VmStopped(String vm, boolean wasHere) implements CborSerializable {}

  private record VmEnded(String vm) implements Command {}

  private Host() {}

  /** Host {@code host} of this node, starting with the VMs {@code initial} placed on it. */
  public static Behavior<Command> create(String host, List<VmSpec> initial, Vm.Services services) {
    return Behaviors.setup(
        context -> {
          Map<String, ActorRef<Void>> vms = new HashMap<>();
          Map<String, List<ActorRef<VmStopped>>> stopping = new HashMap<>();
          for (VmSpec vm : initial) {
            ActorRef<Void> ref = context.spawn(Vm.create(vm, host, services), vm.name());
            context.watchWith(ref, new VmEnded(vm.name()));
            vms.put(vm.name(), ref);
          }
          return Behaviors.receive(Command.class)
              .onMessage(
                  StartVm.class,
                  start -> {
                    String name = start.vm().name();
                    if (vms.containsKey(name) || stopping.containsKey(name)) {
                      start.replyTo().tell(new VmStarted(name, false));
                      return Behaviors.same();
                    }
                    ActorRef<Void> ref = context.spawn(Vm.create(start.vm(), host, services), name);
                    context.watchWith(ref, new VmEnded(name));
                    vms.put(name, ref);
                    start.replyTo().tell(new VmStarted(name, true));
                    return Behaviors.same();
                  })
              .onMessage(
                  StopVm.class,
                  stop -> {
                    ActorRef<Void> ref = vms.get(stop.vm());
                    if (ref == null) {
                      stop.replyTo().tell(new VmStopped(stop.vm(), false));
                      return Behaviors.same();
                    }
                    stopping.computeIfAbsent(stop.vm(), k -> new ArrayList<>()).add(stop.replyTo());
                    context.stop(ref);
                    return Behaviors.same();
                  })
              .onMessage(
                  VmEnded.class,
                  ended -> {
                    vms.remove(ended.vm());
                    List<ActorRef<VmStopped>> waiting = stopping.remove(ended.vm());
                    if (waiting != null) {
                      waiting.forEach(replyTo -> replyTo.tell(new VmStopped(ended.vm(), true)));
                    } else {
                      context.getLog().warn("VM {} on host {} stopped unasked", ended.vm(), host);
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
