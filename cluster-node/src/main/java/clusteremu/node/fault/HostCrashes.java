package clusteremu.node.fault;

import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.host.Host;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.datacenter.placement.PlacementReplica;
import clusteremu.node.datacenter.vm.Vm;
import clusteremu.tiers.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Crashes and recovers the emulated hosts of one node, on the control API's word. A crash stops
 * every VM on the host at once (their guests' state and pages are lost; the receptionist stops
 * listing them) and places them nowhere, for the whole cluster: they are gone from placement until
 * the host recovers. Recovery starts each of them again, empty, on that host and places it there;
 * a data server among them takes its keys back from its replicas first (with replication 2).
 */
public final class HostCrashes {
  public static final String NAME = "host-crashes";

  public interface Command extends CborSerializable {}

  /** Crash ({@code crash}) or recover host {@code host} of this node; {@code replyTo} hears how it went. */
  public record Act(String host, boolean crash, ActorRef<Done> replyTo) implements Command {}

  /** @param vms the VMs stopped (crash) or started again (recover); @param refusal why nothing was done, or null */
  public record Done(String host, List<String> vms, String refusal) implements CborSerializable {}

  private record HostAnswered(Host.Crashed crashed, boolean crash, ActorRef<Done> replyTo) implements Command {}

  private record VmStarted(Vm.Started started) implements Command {}

  private HostCrashes() {}

  public static Behavior<Command> create(Map<String, ActorRef<Host.Command>> hosts, ActorRef<PlacementReplica.Command> replica) {
    return Behaviors.setup(
        context -> {
          ActorRefResolver resolver = ActorRefResolver.get(context.getSystem());
          ActorRef<Vm.Started> started = context.messageAdapter(Vm.Started.class, VmStarted::new);
          Map<String, String> hostOfStarting = new java.util.HashMap<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Act.class,
                  act -> {
                    ActorRef<Host.Command> host = hosts.get(act.host());
                    if (host == null) {
                      act.replyTo().tell(new Done(act.host(), List.of(), "host " + act.host() + " is not carried by this node"));
                      return Behaviors.same();
                    }
                    ActorRef<Host.Crashed> answer = context.messageAdapter(Host.Crashed.class, c -> new HostAnswered(c, act.crash(), act.replyTo()));
                    host.tell(act.crash() ? new Host.Crash(answer) : new Host.Recover(answer));
                    return Behaviors.same();
                  })
              .onMessage(
                  HostAnswered.class,
                  answered -> {
                    Host.Crashed crashed = answered.crashed();
                    if (crashed.refusal() != null) {
                      answered.replyTo().tell(new Done(crashed.host(), List.of(), crashed.refusal()));
                      return Behaviors.same();
                    }
                    List<String> names = new ArrayList<>();
                    for (VmSpec vm : crashed.vms()) {
                      names.add(vm.name());
                      if (answered.crash()) {
                        replica.tell(new PlacementReplica.Place(vm.name(), Placement.NOWHERE, null, context.getSystem().ignoreRef()));
                      } else {
                        hostOfStarting.put(vm.name(), crashed.host());
                        hosts.get(crashed.host()).tell(new Host.StartVm(vm, null, null, started));
                      }
                    }
                    context.getLog().info("host {} {}: {}", crashed.host(), answered.crash() ? "crashed" : "recovered", names);
                    answered.replyTo().tell(new Done(crashed.host(), names, null));
                    return Behaviors.same();
                  })
              .onMessage(
                  VmStarted.class,
                  message -> {
                    Vm.Started vm = message.started();
                    String host = hostOfStarting.remove(vm.vm());
                    if (vm.refusal() != null) {
                      context.getLog().error("VM {} did not start again on host {}: {}", vm.vm(), host, vm.refusal());
                    } else if (host != null) {
                      replica.tell(
                          new PlacementReplica.Place(vm.vm(), host, vm.guest() == null ? null : resolver.toSerializationFormat(vm.guest()), context.getSystem().ignoreRef()));
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
