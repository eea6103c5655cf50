package clusteremu.node;

import clusteremu.node.bench.BareRelay;
import clusteremu.node.bench.BulkProbe;
import clusteremu.node.control.ControlAccess;
import clusteremu.node.control.ControlApi;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.emulation.LinkShares;
import clusteremu.node.datacenter.emulation.NetworkSwitch;
import clusteremu.node.datacenter.emulation.PathFaults;
import clusteremu.node.datacenter.emulation.NodeDatacenter;
import clusteremu.node.datacenter.host.Host;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.datacenter.placement.PlacementReplica;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.node.datacenter.vm.Vm;
import clusteremu.node.fault.FaultLog;
import clusteremu.node.fault.HostCrashes;
import clusteremu.node.fault.NodeFaults;
import clusteremu.node.fault.PathFaultTable;
import clusteremu.node.metrics.MetricsLog;
import clusteremu.node.migration.Arrivals;
import clusteremu.node.migration.MigrationLog;
import clusteremu.node.migration.Migrations;
import clusteremu.node.launch.NodeProcesses;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.datacenter.ComponentKind;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.OneHostPerNode;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.status.StatusReporter;
import clusteremu.tiers.dataserver.Partitioning;
import clusteremu.tiers.metrics.ComponentCounters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The guardian of a node: starts a {@link Host} actor for each host the node carries, each of
 * which starts the {@link Vm} actors placed on it, each of which runs its guest (see
 * {@link Guests}). A scenario without a datacenter runs the same way, on one host per node
 * ({@link OneHostPerNode}). The guardian also keeps this JVM's view of placement in step with the
 * cluster ({@link PlacementReplica}), and the node's metrics log and status file. Closing the
 * metrics log is a task of coordinated shutdown, so the last line is written however the node
 * stops (SIGTERM, or being downed).
 */
public final class Node {
  private Node() {}

  public static Behavior<Void> create(Scenario scenario, NodeSpec spec, RunDirectory run) {
    return Behaviors.setup(
        context -> {
          MetricsLog metrics = new MetricsLog(run.metrics(spec.name()), spec.name(), scenario.metricsInterval(), scenario.timeDilation());
          Map<String, ComponentCounters> counters = new ConcurrentSkipListMap<>();
          Topology topology = scenario.datacenter().orElseGet(() -> OneHostPerNode.of(scenario));
          Placement placement = Placement.initial(topology);
          VmAddresses addresses =
              new VmAddresses(placement, spec.name(), nodeAddresses(scenario), ActorRefResolver.get(context.getSystem()));
          Set<Integer> ports = scenario.nodes().stream().map(NodeSpec::port).collect(Collectors.toSet());
          boolean modelled = scenario.datacenter().isPresent() && scenario.config().getBoolean("clusteremu.datacenter.network-model");
          NodeDatacenter datacenter = new NodeDatacenter(topology, spec.name(), ports, placement, addresses, modelled, scenario.timeDilation(), scenario.config().getInt("clusteremu.metrics.datacenter-lines"));
          ActorRef<PlacementReplica.Command> replica = context.spawn(PlacementReplica.create(placement), "placement");

          Partitioning partitioning = new Partitioning(dataVms(topology), scenario.config().getInt("clusteremu.data-server.replication"));
          Vm.Services services =
              new Vm.Services(datacenter, addresses, new Guests(metrics, counters, partitioning, Boolean.getBoolean(NodeProcesses.RESTARTED)));
          Map<String, ActorRef<Host.Command>> hosts = new LinkedHashMap<>();
          // Grouped once: filtering every VM for each host is hosts × VMs (2,500 × 100,000 at scale).
          Map<String, List<VmSpec>> placedOn = new java.util.HashMap<>();
          for (VmSpec vm : topology.vms().values()) {
            placedOn.computeIfAbsent(placement.hostOf(vm.name()), h -> new java.util.ArrayList<>()).add(vm);
          }
          for (String host : datacenter.hosts().keySet()) {
            List<VmSpec> placed = List.copyOf(placedOn.getOrDefault(host, List.of()));
            hosts.put(host, context.spawn(Host.create(topology.hosts().get(host), placed, services), VmAddresses.hostActorName(host)));
          }
          MigrationLog migrationLog = new MigrationLog(run.migrations());
          ActorRef<Migrations.Command> migrations = context.spawn(
              Migrations.create(spec.name(), topology, placement, addresses, datacenter, hosts, nodeAddresses(scenario), replica, migrationLog),
              Migrations.NAME);
          ActorRef<HostCrashes.Command> hostCrashes = context.spawn(HostCrashes.create(hosts, replica), HostCrashes.NAME);
          context.spawn(Arrivals.create(spec.name(), topology, hosts, replica, datacenter, migrationLog), Arrivals.NAME);
          if (spec.name().equals(scenario.controlNode().name())) {
            FaultLog faultLog = new FaultLog(run.faults());
            ActorRefResolver resolver = ActorRefResolver.get(context.getSystem());
            Map<String, String> addressOf = nodeAddresses(scenario);
            new ControlApi(
                    context.getSystem(), run.root(), topology, placement, addressOf,
                    node -> node.equals(spec.name()) ? migrations : resolver.resolveActorRef(addressOf.get(node) + "/user/" + Migrations.NAME),
                    new NodeFaults(scenario, run, spec.name(), faultLog),
                    context.spawn(PathFaultTable.create(topology, modelled, faultLog), "path-fault-table"),
                    faultLog,
                    node -> node.equals(spec.name()) ? hostCrashes : resolver.resolveActorRef(addressOf.get(node) + "/user/" + HostCrashes.NAME))
                .bind(ControlAccess.of(scenario, scenario.machineOf(spec)), scenario.config().getInt("clusteremu.control.port"));
          }
          Optional<NodeDatacenter> drawn = scenario.datacenter().map(t -> datacenter);
          if (drawn.isPresent()) {
            metrics.add(datacenter);
            context.spawn(NetworkSwitch.create(spec.name(), datacenter.network()), "network-switch");
            context.spawn(PathFaults.create(datacenter.network()), "path-faults");
            context.spawn(LinkShares.create(spec.name(), nodeAddresses(scenario), datacenter.network(), datacenter.loop()), LinkShares.NAME);
          }
          if (scenario.config().getBoolean("clusteremu.bench.bulk-probe")) {
            context.spawn(BulkProbe.create(), BulkProbe.NAME);
          }
          if (scenario.config().getBoolean("clusteremu.bench.bare-chain")) {
            startBareChain(context, spec);
          }
          context.spawn(StatusReporter.create(run.status(spec.name()), spec.name(), counters, drawn.orElse(null)), "status");
          CoordinatedShutdown.get(context.getSystem())
              .addTask(
                  CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                  "close-metrics-log",
                  () -> {
                    metrics.close();
                    datacenter.close();
                    return CompletableFuture.completedFuture(Done.done());
                  });
          context.getLog().info("node {} carries {}", spec.name(), spec.roles());
          return Behaviors.empty();
        });
  }

  /** Every data VM of the scenario by name: the fixed table that says which one owns a key. */
  private static List<String> dataVms(Topology topology) {
    return topology.vms().values().stream()
        .filter(vm -> vm.guest().equals(Optional.of(ComponentKind.DATA_SERVER)))
        .map(VmSpec::name)
        .sorted()
        .toList();
  }

  private static Map<String, String> nodeAddresses(Scenario scenario) {
    Map<String, String> addresses = new LinkedHashMap<>();
    scenario.nodes().forEach(node -> addresses.put(node.name(), scenario.addressOf(node)));
    return addresses;
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
}
