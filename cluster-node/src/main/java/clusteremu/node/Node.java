package clusteremu.node;

import clusteremu.node.bench.BareRelay;
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
import clusteremu.tiers.metrics.ComponentCounters;
import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * The guardian of a node: starts each component the node carries on a machine of its own,
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
          for (ComponentKind kind : spec.components()) {
            Config settings = spec.componentSettings(kind);
            NodeMachine machine = new NodeMachine(settings.getInt("cores"), clock);
            ComponentCounters componentCounters = new ComponentCounters();
            start(context, kind, settings, machine, componentCounters);
            metrics.watch(spec.name() + "/" + kind.configName(), kind.configName(), componentCounters, machine);
            counters.put(kind.configName(), componentCounters);
          }
          if (scenario.config().getBoolean("clusteremu.bench.bare-chain")) {
            startBareChain(context, spec);
          }
          context.spawn(StatusReporter.create(run.status(spec.name()), spec.name(), counters), "status");
          CoordinatedShutdown.get(context.getSystem())
              .addTask(
                  CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                  "close-metrics-log",
                  () -> {
                    metrics.close();
                    clock.close();
                    return CompletableFuture.completedFuture(Done.done());
                  });
          context.getLog().info("node {} carries {}", spec.name(), spec.roles());
          return Behaviors.empty();
        });
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
      ComponentKind kind,
      Config settings,
      NodeMachine machine,
      ComponentCounters counters) {
    ActorRef<Receptionist.Command> receptionist = context.getSystem().receptionist();
    switch (kind) {
      case DISPATCHER -> {
        ActorRef<Dispatcher.Command> ref =
            context.spawn(Dispatcher.create(DispatcherSettings.fromConfig(settings), machine, counters), kind.configName());
        receptionist.tell(Receptionist.register(Dispatcher.SERVICE_KEY, ref));
      }
      case APP_SERVER -> {
        ActorRef<AppServer.Command> ref =
            context.spawn(AppServer.create(AppServerSettings.fromConfig(settings), machine, counters), kind.configName());
        receptionist.tell(Receptionist.register(AppServer.SERVICE_KEY, ref));
      }
      case DATA_SERVER -> {
        ActorRef<DataServer.Command> ref =
            context.spawn(DataServer.create(DataServerSettings.fromConfig(settings), machine, counters), kind.configName());
        receptionist.tell(Receptionist.register(DataServer.SERVICE_KEY, ref));
      }
    }
  }
}
