package clusteremu.node.datacenter.vm;

import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.emulation.NodeDatacenter;
import clusteremu.node.datacenter.emulation.VmMachine;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.tiers.machine.Machine;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A virtual machine on a host: it takes its vCPUs and pages from its host's model, runs its guest
 * (dispatcher, app server or data server) as its child named {@link VmAddresses#GUEST}, and gives
 * the guest its {@link Machine}, through which the guest asks for CPU, writes memory and sends.
 * The guest owns nothing outside its VM, so stopping the VM stops the guest and gives the host
 * back its cores and memory.
 */
public final class Vm {
  /** What the node runs inside its VMs: the guests it knows how to start. */
  public interface Guests {
    /** How many CPU bursts the guest of {@code vm} runs at once (its threads; see HostCpu). */
    int threads(VmSpec vm);

    /** Spawns the guest of {@code vm} as a child of {@code context}, named {@link VmAddresses#GUEST}. */
    ActorRef<?> start(ActorContext<?> context, VmSpec vm, Machine machine);
  }

  /** What every VM of a node shares. */
  public record Services(NodeDatacenter datacenter, VmAddresses addresses, Guests guests) {}

  private Vm() {}

  /** VM {@code spec} on host {@code host}, which must be carried by this node. */
  public static Behavior<Void> create(VmSpec spec, String host, Services services) {
    return Behaviors.setup(
        context -> {
          VmMachine machine = services.datacenter().startVm(spec, host, services.guests().threads(spec));
          if (spec.guest().isPresent()) {
            services.addresses().local(spec.name(), services.guests().start(context, spec, machine));
          }
          return Behaviors.receive(Void.class)
              .onSignal(
                  PostStop.class,
                  stopped -> {
                    services.addresses().local(spec.name(), null);
                    services.datacenter().stopVm(machine, host);
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
