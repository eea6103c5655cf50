package clusteremu.node.migration;

import java.util.function.Function;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * A node the other side of a migration runs on became unreachable (it may come back) or was
 * removed from the cluster (it will not), as both sides of a migration watch for.
 */
record PeerChange(Address address, boolean removed) {
  /** Subscribes {@code context} to its peers' changes, each wrapped into its own message. */
  static <T> void subscribe(ActorContext<T> context, Function<PeerChange, T> wrap) {
    var unreachable = context.messageAdapter(ClusterEvent.UnreachableMember.class, e -> wrap.apply(new PeerChange(e.member().address(), false)));
    var removed = context.messageAdapter(ClusterEvent.MemberRemoved.class, e -> wrap.apply(new PeerChange(e.member().address(), true)));
    Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(unreachable, ClusterEvent.UnreachableMember.class));
    Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
  }
}
