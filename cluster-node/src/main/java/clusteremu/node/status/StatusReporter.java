package clusteremu.node.status;

import clusteremu.node.datacenter.emulation.NodeDatacenter;
import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.dataserver.DataServer;
import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.metrics.ComponentCounters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;

/** Writes this node's {@link NodeStatus} file every second, and once more as the node stops. */
public final class StatusReporter {
  static final Duration INTERVAL = Duration.ofSeconds(1);

  public interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Listed(Receptionist.Listing listing) implements Command {}

  /** @param datacenter the hosts and VMs this node carries, or null when it has none */
  public static Behavior<Command> create(
      Path file, String node, Map<String, ComponentCounters> components, NodeDatacenter datacenter) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  ActorRef<Receptionist.Listing> listings =
                      context.messageAdapter(Receptionist.Listing.class, Listed::new);
                  for (ServiceKey<?> key : List.of(Dispatcher.SERVICE_KEY, AppServer.SERVICE_KEY, DataServer.SERVICE_KEY)) {
                    context.getSystem().receptionist().tell(Receptionist.subscribe(key, listings));
                  }
                  timers.startTimerAtFixedRate(Tick.INSTANCE, INTERVAL);
                  return new StatusReporter(context, file, node, components, datacenter).running();
                }));
  }

  private final ActorContext<Command> context;
  private final Path file;
  private final String node;
  private final Map<String, ComponentCounters> components;
  private final NodeDatacenter datacenter;
  private final Map<String, Integer> sees = new TreeMap<>();

  private StatusReporter(
      ActorContext<Command> context,
      Path file,
      String node,
      Map<String, ComponentCounters> components,
      NodeDatacenter datacenter) {
    this.context = context;
    this.datacenter = datacenter;
    this.file = file;
    this.node = node;
    this.components = components;
    sees.put(Dispatcher.SERVICE_KEY.id(), 0);
    sees.put(AppServer.SERVICE_KEY.id(), 0);
    sees.put(DataServer.SERVICE_KEY.id(), 0);
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(
            Listed.class,
            listed -> {
              sees.put(listed.listing().getKey().id(), listed.listing().getAllServiceInstances(listed.listing().getKey()).size());
              return Behaviors.same();
            })
        .onMessageEquals(
            Tick.INSTANCE,
            () -> {
              write(null);
              return Behaviors.same();
            })
        .onSignal(
            org.apache.pekko.actor.typed.PostStop.class,
            signal -> {
              write("Stopped");
              return Behaviors.same();
            })
        .build();
  }

  private void write(String selfOverride) {
    Cluster cluster = Cluster.get(context.getSystem());
    ClusterEvent.CurrentClusterState state = cluster.state();
    List<NodeStatus.Member> members = new ArrayList<>();
    for (org.apache.pekko.cluster.Member member : state.getMembers()) {
      members.add(
          new NodeStatus.Member(
              member.address().toString(), member.status().toString(), new ArrayList<>(member.getRoles())));
    }
    List<String> unreachable =
        StreamSupport.stream(state.getUnreachable().spliterator(), false)
            .map(m -> m.address().toString())
            .toList();
    Map<String, Long> inFlight = new TreeMap<>();
    components.forEach((name, counters) -> inFlight.put(name, counters.inFlightCount()));
    NodeStatus status =
        new NodeStatus(
            System.currentTimeMillis(),
            node,
            ProcessHandle.current().pid(),
            cluster.selfMember().address().toString(),
            selfOverride != null ? selfOverride : cluster.selfMember().status().toString(),
            new ArrayList<>(cluster.selfMember().getRoles()).stream().filter(r -> !r.startsWith("dc-")).sorted().toList(),
            members,
            unreachable,
            new TreeMap<>(sees),
            inFlight,
            datacenter == null ? List.of() : datacenter.status());
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.createDirectories(file.getParent());
      NodeStatus.JSON.writeValue(tmp.toFile(), status);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      context.getLog().warn("could not write status file {}: {}", file, e.toString());
    }
  }
}
