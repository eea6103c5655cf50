package clusteremu.node.fault;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.emulation.PathFaults;
import clusteremu.node.datacenter.emulation.PathImpairment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The path faults in force across the cluster (links slowed, lossy or cut between places of the
 * datacenter), kept by the control API's node. Every change sends the whole table to every node's
 * {@link PathFaults}, and so does every change of who is listed, so a node that starts again (or
 * comes back after a partition) gets the table too. A change that cannot be made is refused and
 * changes nothing: a place that is not a host, rack or row (404), a heal where nothing is broken
 * (409), any path fault without the network model (409).
 */
public final class PathFaultTable {

  public interface Command {}

  /** Make {@code fault} (a link, cut or heal); the answer says how it went. */
  public record Change(Fault fault, ActorRef<NodeFaults.Outcome> replyTo) implements Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private PathFaultTable() {}

  /** @param modelled whether the scenario has a datacenter with its network model on */
  public static Behavior<Command> create(Topology topology, boolean modelled, FaultLog log) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(
              Receptionist.subscribe(PathFaults.SERVICE_KEY, context.messageAdapter(Receptionist.Listing.class, Listed::new)));
          Map<String, PathImpairment> table = new LinkedHashMap<>();
          List<List<ActorRef<PathFaults.Set>>> listed = new ArrayList<>(List.of(List.of()));
          return Behaviors.receive(Command.class)
              .onMessage(
                  Listed.class,
                  message -> {
                    listed.set(0, List.copyOf(message.listing().getServiceInstances(PathFaults.SERVICE_KEY)));
                    send(table, listed.get(0));
                    return Behaviors.same();
                  })
              .onMessage(
                  Change.class,
                  change -> {
                    NodeFaults.Outcome outcome = change(change.fault(), topology, modelled, table);
                    if (outcome.error() == null) {
                      send(table, listed.get(0));
                      outcome.record().put("nodes", listed.get(0).size());
                      log.write(outcome.record());
                      context.getLog().info("fault: {} (sent to {} nodes)", change.fault().describe(), listed.get(0).size());
                    }
                    change.replyTo().tell(outcome);
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static void send(Map<String, PathImpairment> table, List<ActorRef<PathFaults.Set>> nodes) {
    List<PathImpairment> faults = List.copyOf(table.values());
    for (ActorRef<PathFaults.Set> node : nodes) {
      node.tell(new PathFaults.Set(faults));
    }
  }

  /** Applies {@code fault} to {@code table}, or refuses it leaving the table as it was. */
  static NodeFaults.Outcome change(Fault fault, Topology topology, boolean modelled, Map<String, PathImpairment> table) {
    if (!modelled) {
      return NodeFaults.Outcome.refused(409, "kind: a " + fault.kind().configName() + " needs a datacenter with its network model on (clusteremu.datacenter.network-model = on)");
    }
    for (String[] place : new String[][] {{"from", fault.from()}, {"to", fault.to()}}) {
      if (!topology.hosts().containsKey(place[1]) && !topology.racks().containsKey(place[1]) && !topology.rows().containsKey(place[1])) {
        TreeSet<String> places = new TreeSet<>(topology.rows().keySet());
        places.addAll(topology.racks().keySet());
        return NodeFaults.Outcome.refused(404, place[0] + ": no host, rack or row " + place[1] + "; the rows and racks are " + places + " (and every host)");
      }
    }
    String pair = pair(fault.from(), fault.to());
    switch (fault.kind()) {
      case HEAL -> {
        if (table.remove(pair) == null) {
          return NodeFaults.Outcome.refused(409, "from, to: nothing is broken between " + fault.from() + " and " + fault.to() + "; in force: " + describe(table));
        }
      }
      case CUT -> table.put(pair, PathImpairment.cut(fault.from(), fault.to()));
      case LINK -> table.put(pair, new PathImpairment(fault.from(), fault.to(), fault.latency().toNanos(), fault.bytesPerSecond(), fault.loss()));
      default -> throw new IllegalArgumentException(fault.kind() + " is not a path fault");
    }
    Map<String, Object> line = FaultLog.line(fault.kind().configName());
    line.put("from", fault.from());
    line.put("to", fault.to());
    if (fault.kind() == Fault.Kind.LINK) {
      line.put("latency_ms", fault.latency().toMillis());
      line.put("bandwidth_bytes_per_s", fault.bytesPerSecond());
      line.put("loss", fault.loss());
    }
    line.put("event", fault.describe());
    return new NodeFaults.Outcome(200, null, line);
  }

  /** The same key whichever way round the two places are given. */
  private static String pair(String a, String b) {
    return a.compareTo(b) <= 0 ? a + "~" + b : b + "~" + a;
  }

  private static List<String> describe(Map<String, PathImpairment> table) {
    return table.values().stream().map(PathImpairment::describe).toList();
  }
}
