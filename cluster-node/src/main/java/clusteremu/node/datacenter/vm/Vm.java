package clusteremu.node.datacenter.vm;

import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.emulation.GuestMemory;
import clusteremu.node.datacenter.emulation.NodeDatacenter;
import clusteremu.node.datacenter.emulation.VmMachine;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.tiers.machine.Machine;
import java.time.Duration;
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
 *
 * <p>A VM can move: paused, it hands out its guest's state and pages; once the guest runs at its
 * new place, this VM gives back its cores and memory at once but stays a while to forward what
 * still arrives here, then stops.
 */
public final class Vm {
  /** How long a VM that moved away forwards what still reaches it, before it stops. */
  static final Duration FORWARD_FOR = Duration.ofSeconds(10);

  /** What the node runs inside its VMs: the guests it knows how to start. */
  public interface Guests {
    /** How many CPU bursts the guest of {@code vm} runs at once (its threads; see HostCpu). */
    int threads(VmSpec vm);

    /**
     * Spawns the guest of {@code vm} as a child of {@code context}, named {@link
     * VmAddresses#GUEST}, wrapping its behaviour with {@code shell}; it begins from {@code
     * restored} when that is not null. {@code anew}: the VM starts empty while the cluster runs
     * (its host recovered from a crash, or it moved cold), not as the scenario starts.
     */
    ActorRef<?> start(
        ActorContext<?> context, VmSpec vm, Machine machine, GuestState restored, boolean anew, java.util.function.UnaryOperator<Behavior<?>> shell);

    /** Guest {@code guest} of {@code vm} has moved away: its metrics and status are no longer this node's to write. */
    void left(VmSpec vm, ActorRef<?> guest);
  }

  /** What every VM of a node shares. */
  public record Services(NodeDatacenter datacenter, VmAddresses addresses, Guests guests) {}

  public interface Command {}

  /**
   * A VM asked for has started, or not.
   *
   * @param refusal why it did not start (null when it did)
   * @param guest the guest's reference, once it runs (null without a guest or when refused)
   */
  public record Started(String vm, String refusal, ActorRef<Object> guest) {}

  /** Pauses the guest and its memory; answered with the guest's state and the VM's pages. */
  public record Pause(ActorRef<Paused> replyTo) implements Command {}

  /** @param memory the VM's pages (it writes none while paused) */
  public record Paused(String vm, GuestState state, GuestMemory memory) {}

  /** The guest runs at {@code guest} now: give back what this VM held and forward to it. */
  public record Moved(ActorRef<Object> guest) implements Command {}

  /** The move failed: the guest runs on here. */
  public enum Resume implements Command {
    INSTANCE
  }

  private record ShellPaused(GuestShell.Paused paused, ActorRef<Paused> replyTo) implements Command {}

  private enum StopForwarding implements Command {
    INSTANCE
  }

  private Vm() {}

  /** VM {@code spec} on host {@code host}, which must be carried by this node, with fresh pages and guest. */
  public static Behavior<Command> create(VmSpec spec, String host, Services services) {
    return create(spec, host, services, null, null, null);
  }

  /**
   * VM {@code spec} on host {@code host}, with {@code memory} and a guest that begins from {@code
   * restored} (as a migration brings them; either null for a fresh one); {@code started}, if not
   * null, hears once the guest runs.
   */
  public static Behavior<Command> create(
      VmSpec spec, String host, Services services, GuestMemory memory, GuestState restored, ActorRef<Started> started) {
    return Behaviors.setup(
        context -> {
          int threads = services.guests().threads(spec);
          VmMachine machine =
              memory == null
                  ? services.datacenter().startVm(spec, host, threads)
                  : services.datacenter().startVm(spec, host, threads, memory);
          ActorRef<Object> guest = null;
          if (spec.guest().isPresent()) {
            guest =
                services.guests()
                    .start(context, spec, machine, restored, started != null && restored == null, behavior -> GuestShell.around(behavior, machine))
                    .unsafeUpcast();
            services.addresses().local(spec.name(), guest);
          }
          services.addresses().localVm(spec.name(), context.getSelf());
          if (started != null) {
            started.tell(new Started(spec.name(), null, guest));
          }
          ActorRef<Object> shell = guest;
          return Behaviors.withTimers(
              timers ->
                  Behaviors.receive(Command.class)
                      .onMessage(
                          Pause.class,
                          pause -> {
                            machine.pause(true);
                            if (shell == null) {
                              pause.replyTo().tell(new Paused(spec.name(), null, machine.memory()));
                            } else {
                              shell.tell(new GuestShell.Pause(context.messageAdapter(GuestShell.Paused.class, p -> new ShellPaused(p, pause.replyTo()))));
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          ShellPaused.class,
                          paused -> {
                            paused.replyTo().tell(new Paused(spec.name(), paused.paused().state(), machine.memory()));
                            return Behaviors.same();
                          })
                      .onMessageEquals(
                          Resume.INSTANCE,
                          () -> {
                            machine.pause(false);
                            if (shell != null) {
                              shell.tell(new GuestShell.Resume());
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Moved.class,
                          moved -> {
                            if (shell != null) {
                              shell.tell(new GuestShell.ForwardTo(moved.guest()));
                            }
                            // Senders here that still read the old placement reach the shell, which forwards.
                            services.addresses().forgetVm(spec.name(), context.getSelf());
                            services.datacenter().stopVm(machine, host);
                            if (shell != null) {
                              services.guests().left(spec, shell);
                            }
                            // Emulated: messages in flight to the old place take k times longer under time dilation.
                            timers.startSingleTimer(StopForwarding.INSTANCE, machine.time().real(FORWARD_FOR));
                            return Behaviors.same();
                          })
                      .onMessageEquals(StopForwarding.INSTANCE, Behaviors::stopped)
                      .onSignal(
                          PostStop.class,
                          stopped -> {
                            if (shell != null) {
                              services.addresses().forget(spec.name(), shell);
                            }
                            services.addresses().forgetVm(spec.name(), context.getSelf());
                            services.datacenter().stopVm(machine, host);
                            return Behaviors.same();
                          })
                      .build());
        });
  }
}
