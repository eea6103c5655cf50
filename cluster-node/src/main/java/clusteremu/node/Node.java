package clusteremu.node;

import clusteremu.node.bench.BareRelay;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.emulation.NetworkSwitch;
import clusteremu.node.datacenter.emulation.NodeDatacenter;
import clusteremu.node.datacenter.emulation.VmMachine;
import clusteremu.node.machine.CompletionClock;
import clusteremu.node.machine.NodeMachine;
import clusteremu.node.metrics.MetricsLog;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.ComponentKind;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.status.StatusReporter;
import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.appserver.AppServerSettings;
import clusteremu.tiers.dataserver.DataServer;
import clusteremu.tiers.dataserver.DataServerSettings;
import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.dispatcher.DispatcherSettings;
import clusteremu.tiers.machine.Machine;
import clusteremu.tiers.metrics.ComponentCounters;
import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The guardian of a node: starts each component the node carries on a machine of its own (a
 * whole-node machine, or in a datacenter a VM on one of the node's hosts),
 * registers it with the receptionist so callers find it, and keeps the node's metrics log and
 * status file. Closing the metrics log is a task of coordinated shutdown, so the last line is
 * written however the node stops (SIGTERM, or being downed).
 */
public final class Node {
  private Node() {}

  public static Behavior<Void> create(Scenario scenario, NodeSpec spec, RunDirectory run) {
    return Behaviors.setup(
        context -> {
          CompletionClock clock = new CompletionClock();
          MetricsLog metrics = new MetricsLog(run.metrics(spec.name()), spec.name(), scenario.metricsInterval());
          Map<String, ComponentCounters> counters = new LinkedHashMap<>();
          NodeDatacenter datacenter = null;
          if (scenario.datacenter().isPresent()) {
            datacenter = startGuests(context, scenario, spec, metrics, counters);
          } else {
            for (ComponentKind kind : spec.components()) {
              Config settings = spec.componentSettings(kind);
              NodeMachine machine = new NodeMachine(settings.getInt("cores"), clock);
              ComponentCounters componentCounters = new ComponentCounters();
              start(context, kind.configName(), kind, settings, machine, componentCounters);
              metrics.watch(spec.name() + "/" + kind.configName(), kind.configName(), componentCounters, machine);
              counters.put(kind.configName(), componentCounters);
            }
          }
          NodeDatacenter carried = datacenter;
          if (scenario.config().getBoolean("clusteremu.bench.bare-chain")) {
            startBareChain(context, spec);
          }
          context.spawn(StatusReporter.create(run.status(spec.name()), spec.name(), counters, carried), "status");
          CoordinatedShutdown.get(context.getSystem())
              .addTask(
                  CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                  "close-metrics-log",
                  () -> {
                    metrics.close();
                    clock.close();
                    if (carried != null) {
                      carried.close();
                    }
                    return CompletableFuture.completedFuture(Done.done());
                  });
          context.getLog().info("node {} carries {}", spec.name(), spec.roles());
          return Behaviors.empty();
        });
  }

  /**
   * Builds the hosts and VMs this node carries and starts each VM's guest, named after its VM
   * (so that the network can tell from an actor's path which host it is on).
   */
  private static NodeDatacenter startGuests(
      ActorContext<Void> context, Scenario scenario, NodeSpec spec, MetricsLog metrics, Map<String, ComponentCounters> counters) {
    Set<Integer> ports = scenario.nodes().stream().map(NodeSpec::port).collect(Collectors.toSet());
    NodeDatacenter datacenter =
        new NodeDatacenter(
            scenario.datacenter().orElseThrow(), spec.name(), ports, scenario.config().getBoolean("clusteremu.datacenter.network-model"));
    for (VmMachine machine : datacenter.machines().values()) {
      VmSpec vm = machine.spec();
      if (vm.guest().isEmpty()) {
        continue;
      }
      ComponentKind kind = vm.guest().get();
      ComponentCounters componentCounters = new ComponentCounters();
      start(context, vm.name(), kind, vm.guestSettings(), machine, componentCounters);
      metrics.watch(vm.name(), kind.configName(), componentCounters, machine);
      counters.put(vm.name(), componentCounters);
    }
    metrics.add(datacenter);
    context.spawn(NetworkSwitch.create(spec.name(), datacenter.network()), "network-switch");
    return datacenter;
  }

  /** The benchmark's baseline relays, one beside each component (see {@link BareRelay}). */
  private static void startBareChain(ActorContext<Void> context, NodeSpec spec) {
    for (ComponentKind kind : spec.components()) {
      ServiceKey<BareRelay.Command> position =
          switch (kind) {
            case DISPATCHER -> BareRelay.ENTRY;
            case APP_SERVER -> BareRelay.MIDDLE;
            case DATA_SERVER -> BareRelay.END;
          };
      context.spawn(BareRelay.create(position), "bare-relay-" + kind.configName());
    }
  }

  private static void start(
      ActorContext<Void> context,
      String name,
      ComponentKind kind,
      Config settings,
      Machine machine,
      ComponentCounters counters) {
    ActorRef<Receptionist.Command> receptionist = context.getSystem().receptionist();
    switch (kind) {
      case DISPATCHER -> {
        ActorRef<Dispatcher.Command> ref =
            context.spawn(Dispatcher.create(DispatcherSettings.fromConfig(settings), machine, counters), name);
        receptionist.tell(Receptionist.register(Dispatcher.SERVICE_KEY, ref));
      }
      case APP_SERVER -> {
        ActorRef<AppServer.Command> ref =
            context.spawn(AppServer.create(AppServerSettings.fromConfig(settings), machine, counters), name);
        receptionist.tell(Receptionist.register(AppServer.SERVICE_KEY, ref));
      }
      case DATA_SERVER -> {
        ActorRef<DataServer.Command> ref =
            context.spawn(DataServer.create(DataServerSettings.fromConfig(settings), machine, counters), name);
        receptionist.tell(Receptionist.register(DataServer.SERVICE_KEY, ref));
      }
    }
  }
}
