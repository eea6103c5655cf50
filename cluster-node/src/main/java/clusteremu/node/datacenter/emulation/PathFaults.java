package clusteremu.node.datacenter.emulation;

import clusteremu.tiers.CborSerializable;
import java.util.List;
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

  /** The faults in force from now on (empty: every path healed). */
  public record Set(List<PathImpairment> faults) implements CborSerializable {}

  private PathFaults() {}

  public static Behavior<Set> create(Network network) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, context.getSelf()));
          return Behaviors.receiveMessage(
              set -> {
                network.setImpairments(set.faults());
                return Behaviors.same();
              });
        });
  }
}
