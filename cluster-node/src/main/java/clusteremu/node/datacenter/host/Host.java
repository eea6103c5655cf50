package clusteremu.node.datacenter.host;

import clusteremu.node.datacenter.HostSpec;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.emulation.GuestMemory;
import clusteremu.node.datacenter.vm.GuestState;
import clusteremu.node.datacenter.vm.Vm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A physical host: the hypervisor that owns its cores and memory (modelled by the node's
 * {@code HostCpu} and the VMs' pages) and runs its VMs as child actors named after them. It admits
 * a VM only while it has the memory and the vCPUs for it (a core per vCPU: no overcommit), so a
 * migration is refused before anything moves; stopping a VM, or its moving away, gives them back.
 */
public final class Host {
  public interface Command {}

  /** Holds room for VM {@code vm} (a migration about to bring it); answered with {@link Reserved}. */
  public record Reserve(VmSpec vm, ActorRef<Reserved> replyTo) implements Command {}

  /** @param refusal why there is no room, or null when it is held */
  public record Reserved(String vm, String refusal) {}

  /** Gives back room held for a VM that will not come. */
  public record Release(String vm) implements Command {}

  /**
   * Starts VM {@code vm} here, in the room held for it if any; with {@code memory} and {@code
   * state} (null for a fresh VM) as a migration brings them. Answered with {@link Vm.Started}.
   */
  public record StartVm(VmSpec vm, GuestMemory memory, GuestState state, ActorRef<Vm.Started> replyTo) implements Command {}

  /** Stops VM {@code vm} and frees what it held; answered with {@link VmStopped} once it has. */
  public record StopVm(String vm, ActorRef<VmStopped> replyTo) implements Command {}

  /** @param wasHere false when no VM of that name ran here */
  public record VmStopped(String vm, boolean wasHere) {}

  /** VM {@code vm} runs at {@code guest} now, on another host: give back its room; it forwards a while, then stops. */
  public record VmMoved(String vm, ActorRef<Object> guest) implements Command {}

  /**
   * The host crashes: every VM on it stops at once (its guest's state and pages are lost) and it
   * takes no VM until it recovers. Answered with the VMs that ran here, once they have stopped;
   * {@code refusal} when it is down already.
   */
  public record Crash(ActorRef<Crashed> replyTo) implements Command {}

  public record Crashed(String host, List<VmSpec> vms, String refusal) {}

  /** The host is back: it takes VMs again (start those it had with {@link StartVm}). Answered with the VMs it had when it crashed. */
  public record Recover(ActorRef<Crashed> replyTo) implements Command {}

  private record VmEnded(String vm, ActorRef<Vm.Command> ref) implements Command {}

  private Host() {}

  /** Host {@code host} of this node, starting with the VMs {@code initial} placed on it. */
  public static Behavior<Command> create(HostSpec host, List<VmSpec> initial, Vm.Services services) {
    return Behaviors.setup(
        context -> {
          Map<String, ActorRef<Vm.Command>> vms = new HashMap<>();
          /** What holds room here: VMs running and VMs on their way in. */
          Map<String, VmSpec> room = new LinkedHashMap<>();
          Map<String, List<ActorRef<VmStopped>>> stopping = new HashMap<>();
          Map<String, Integer> incarnations = new HashMap<>();
          java.util.function.BiFunction<VmSpec, Behavior<Vm.Command>, ActorRef<Vm.Command>> spawn =
              (vm, behavior) -> {
                // A VM that comes back while its last incarnation here still forwards gets a name
                // of its own: <vm>.<n> (VM names have no dots; see VmAddresses.vmOf).
                int incarnation = incarnations.merge(vm.name(), 1, Integer::sum);
                ActorRef<Vm.Command> ref = context.spawn(behavior, incarnation == 1 ? vm.name() : vm.name() + "." + incarnation);
                context.watchWith(ref, new VmEnded(vm.name(), ref));
                vms.put(vm.name(), ref);
                room.put(vm.name(), vm);
                return ref;
              };
          for (VmSpec vm : initial) {
            spawn.apply(vm, Vm.create(vm, host.name(), services));
          }
          // While the host is down: the VMs it had when it crashed (null: it is up), and who waits for their stop.
          List<List<VmSpec>> down = new ArrayList<>(java.util.Collections.singletonList(null));
          List<Crash> crashing = new ArrayList<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Crash.class,
                  crash -> {
                    if (down.get(0) != null) {
                      crash.replyTo().tell(new Crashed(host.name(), down.get(0), "host " + host.name() + " is down already"));
                      return Behaviors.same();
                    }
                    List<VmSpec> had = vms.keySet().stream().map(room::get).filter(java.util.Objects::nonNull).toList();
                    down.set(0, had);
                    room.keySet().retainAll(vms.keySet()); // room held for arrivals is gone with the host
                    vms.values().forEach(context::stop);
                    crashing.add(crash);
                    if (vms.isEmpty()) {
                      crashing.remove(crash);
                      crash.replyTo().tell(new Crashed(host.name(), had, null));
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  Recover.class,
                  recover -> {
                    List<VmSpec> had = down.get(0);
                    if (had == null || !crashing.isEmpty()) {
                      recover.replyTo().tell(new Crashed(host.name(), List.of(), had == null ? "host " + host.name() + " is not down" : "host " + host.name() + " is still stopping its VMs"));
                      return Behaviors.same();
                    }
                    down.set(0, null);
                    recover.replyTo().tell(new Crashed(host.name(), had, null));
                    return Behaviors.same();
                  })
              .onMessage(
                  Reserve.class,
                  reserve -> {
                    String refusal = down.get(0) != null ? "host " + host.name() + " is down (crash-host); recover it first" : refusal(host, room, reserve.vm());
                    if (refusal == null) {
                      room.put(reserve.vm().name(), reserve.vm());
                    }
                    reserve.replyTo().tell(new Reserved(reserve.vm().name(), refusal));
                    return Behaviors.same();
                  })
              .onMessage(
                  Release.class,
                  release -> {
                    if (!vms.containsKey(release.vm())) {
                      room.remove(release.vm());
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  StartVm.class,
                  start -> {
                    VmSpec vm = start.vm();
                    String refusal =
                        down.get(0) != null
                            ? "host " + host.name() + " is down (crash-host); recover it first"
                            : vms.containsKey(vm.name()) ? "VM " + vm.name() + " already runs on host " + host.name() : null;
                    if (refusal == null && !room.containsKey(vm.name())) {
                      refusal = refusal(host, room, vm);
                    }
                    if (refusal != null) {
                      start.replyTo().tell(new Vm.Started(vm.name(), refusal, null));
                      return Behaviors.same();
                    }
                    spawn.apply(vm, Vm.create(vm, host.name(), services, start.memory(), start.state(), start.replyTo()));
                    return Behaviors.same();
                  })
              .onMessage(
                  StopVm.class,
                  stop -> {
                    ActorRef<Vm.Command> ref = vms.get(stop.vm());
                    if (ref == null) {
                      stop.replyTo().tell(new VmStopped(stop.vm(), false));
                      return Behaviors.same();
                    }
                    stopping.computeIfAbsent(stop.vm(), k -> new ArrayList<>()).add(stop.replyTo());
                    context.stop(ref);
                    return Behaviors.same();
                  })
              .onMessage(
                  VmMoved.class,
                  moved -> {
                    ActorRef<Vm.Command> ref = vms.remove(moved.vm());
                    room.remove(moved.vm());
                    if (ref != null) {
                      ref.tell(new Vm.Moved(moved.guest()));
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  VmEnded.class,
                  ended -> {
                    if (vms.remove(ended.vm(), ended.ref())) {
                      room.remove(ended.vm());
                    }
                    List<ActorRef<VmStopped>> waiting = stopping.remove(ended.vm());
                    if (waiting != null) {
                      waiting.forEach(replyTo -> replyTo.tell(new VmStopped(ended.vm(), true)));
                    }
                    if (!crashing.isEmpty() && vms.isEmpty()) {
                      crashing.forEach(crash -> crash.replyTo().tell(new Crashed(host.name(), down.get(0), null)));
                      crashing.clear();
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /** Why {@code vm} does not fit beside what holds room on {@code host}, or null when it does. */
  static String refusal(HostSpec host, Map<String, VmSpec> room, VmSpec vm) {
    if (room.containsKey(vm.name())) {
      return "VM " + vm.name() + " already runs on, or is on its way to, host " + host.name();
    }
    long memory = room.values().stream().mapToLong(VmSpec::memoryBytes).sum();
    int vcpus = room.values().stream().mapToInt(VmSpec::vcpus).sum();
    if (memory + vm.memoryBytes() > host.memoryBytes()) {
      return "host " + host.name() + " has " + ((host.memoryBytes() - memory) >> 20) + " MiB of memory free, VM " + vm.name() + " needs " + (vm.memoryBytes() >> 20) + " MiB";
    }
    if (vcpus + vm.vcpus() > host.cores()) {
      return "host " + host.name() + " has " + (host.cores() - vcpus) + " cores free, VM " + vm.name() + " needs " + vm.vcpus();
    }
    return null;
  }
}
