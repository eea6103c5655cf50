package clusteremu.node.datacenter.emulation;

import clusteremu.tiers.CborSerializable;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Takes the table of path faults (cuts, slow or lossy paths between places of the datacenter)
 * into this node's network model. The control API's node sends every node the whole table each
 * time it changes, so a node that missed one change is right after the next. One per node in a
 * datacenter.
 */
public final class PathFaults {
  public static final ServiceKey<Set> SERVICE_KEY = ServiceKey.create(Set.class, "path-faults");

  /** The faults in force from now on (empty: every path healed); acknowledged with the node's name. */
  public record Set(List<PathImpairment> faults, ActorRef<Done> replyTo) implements CborSerializable {}

  public record Done(String node) implements CborSerializable {}

  private PathFaults() {}

  public static Behavior<Set> create(String node, Network network) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, context.getSelf()));
          return Behaviors.receiveMessage(
              set -> {
                network.setImpairments(set.faults());
                set.replyTo().tell(new Done(node));
                return Behaviors.same();
              });
        });
  }
}
