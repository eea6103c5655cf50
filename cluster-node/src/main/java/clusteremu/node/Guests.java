package clusteremu.node;

import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.node.datacenter.vm.Vm;
import clusteremu.node.metrics.MetricsLog;
import clusteremu.node.datacenter.ComponentKind;
import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.appserver.AppServerSettings;
import clusteremu.tiers.dataserver.DataServer;
import clusteremu.tiers.dataserver.DataServerSettings;
import clusteremu.tiers.dataserver.Partitioning;
import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.dispatcher.DispatcherSettings;
import clusteremu.tiers.machine.Machine;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.node.datacenter.vm.GuestState;
import com.typesafe.config.Config;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The tier components a node runs inside its VMs: each starts as its VM's child with its
 * settings, is listed with the receptionist under its tier's key (callers take the VM's name from
 * the listing and send by name), and is watched by the node's metrics log and status file.
 */
public final class Guests implements Vm.Guests {
  private final MetricsLog metrics;
  private final Map<String, ComponentCounters> counters;
  private final Partitioning partitioning;
  /** This node's JVM was started again after it was lost: its data servers recover their keys from their partners first. */
  private final boolean restarted;
  /** Each guest's counters, so that a guest that left is unwatched and not a newer one of its VM. */
  private final Map<ActorRef<?>, ComponentCounters> countersOf = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param counters where each guest's counters go, by VM name (read by the status reporter)
   * @param partitioning the data VMs that hold the keys, for app servers and data servers
   * @param restarted this node's JVM was started again after it was lost (a restart)
   */
  public Guests(MetricsLog metrics, Map<String, ComponentCounters> counters, Partitioning partitioning, boolean restarted) {
    this.restarted = restarted;
    this.metrics = metrics;
    this.counters = counters;
    this.partitioning = partitioning;
  }

  /**
   * The dispatcher and the data server are event loops with a thread per vCPU: they run at most
   * that many CPU bursts at once, the rest in arrival order. An app server's threading model
   * decides for itself.
   */
  @Override
  public int threads(VmSpec vm) {
    return vm.guest().filter(kind -> kind == ComponentKind.APP_SERVER).isPresent() ? Integer.MAX_VALUE : vm.vcpus();
  }

  @Override
  public ActorRef<?> start(
      ActorContext<?> context, VmSpec vm, Machine machine, GuestState restored, boolean anew, UnaryOperator<Behavior<?>> shell) {
    ComponentKind kind = vm.guest().orElseThrow();
    ComponentCounters guestCounters = new ComponentCounters();
    ActorRef<Receptionist.Command> receptionist = context.getSystem().receptionist();
    Config settings = vm.guestSettings();
    ActorRef<Object> guest =
        switch (kind) {
          case DISPATCHER -> {
            Dispatcher.State state = restored == null ? null : restored.dispatcher();
            ActorRef<Object> ref =
                context.spawn(shell.apply(Dispatcher.create(DispatcherSettings.fromConfig(settings), machine, guestCounters, state)).unsafeCast(), VmAddresses.GUEST);
            receptionist.tell(Receptionist.register(Dispatcher.SERVICE_KEY, ref.narrow()));
            yield ref;
          }
          case APP_SERVER -> {
            AppServer.State state = restored == null ? null : restored.appServer();
            ActorRef<Object> ref =
                context.spawn(
                    shell.apply(AppServer.create(AppServerSettings.fromConfig(settings), machine, guestCounters, partitioning, state)).unsafeCast(),
                    VmAddresses.GUEST);
            receptionist.tell(Receptionist.register(AppServer.SERVICE_KEY, ref.narrow()));
            yield ref;
          }
          case DATA_SERVER -> {
            DataServer.State state = restored == null ? null : restored.dataServer();
            // It registers itself: at once, or once it has its keys back when it starts again empty
            // after a loss (its JVM restarted, its host recovered, or moved cold).
            DataServer.Role role = new DataServer.Role(vm.name(), partitioning, restarted || anew);
            yield context.spawn(
                shell.apply(DataServer.create(DataServerSettings.fromConfig(settings), machine, guestCounters, state, role)).unsafeCast(),
                VmAddresses.GUEST);
          }
        };
    metrics.watch(vm.name(), kind.configName(), guestCounters, machine);
    counters.put(vm.name(), guestCounters);
    countersOf.put(guest, guestCounters);
    return guest;
  }

  @Override
  public void left(VmSpec vm, ActorRef<?> guest) {
    ComponentCounters left = countersOf.remove(guest);
    if (left != null) {
      metrics.unwatch(left);
      counters.remove(vm.name(), left);
    }
  }
}
