package clusteremu.node.datacenter.placement;

import clusteremu.tiers.CborSerializable;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Keeps this JVM's {@link Placement} in step with the cluster: placement is two replicated maps
 * in Pekko Distributed Data (VM → host and host → node, last writer wins), and this actor applies
 * every change it hears of to the local view. Only changes are replicated: the initial placement
 * comes from the scenario, which every JVM reads.
 *
 * <p>{@link Place} writes to every reachable node ({@code WriteAll}) so that a sender anywhere
 * reads the new place right after the answer; when some node does not acknowledge in time the
 * change still holds here and spreads by gossip, and the answer says so.
 */
public final class PlacementReplica {
  static final Key<LWWMap<String, String>> VMS = LWWMapKey.create("placement-vms");
  static final Key<LWWMap<String, String>> HOSTS = LWWMapKey.create("placement-hosts");
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);

  public interface Command {}

  /**
   * Places VM {@code vm} on host {@code host}, cluster-wide, its guest now at {@code guest}
   * (serialised, with its uid; null when unknown); answered with {@link Placed}.
   */
  public record Place(String vm, String host, String guest, ActorRef<Placed> replyTo) implements Command {}

  /**
   * @param move the VM's move number this placement has (see {@link Placement#movesOf})
   * @param everywhere true when every reachable node acknowledged the change in time
   */
  public record Placed(String vm, String host, long move, boolean everywhere) implements CborSerializable {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, String>> response) implements Command {}

  private record Written(Place place, long move, Replicator.UpdateResponse<LWWMap<String, String>> response) implements Command {}

  private PlacementReplica() {}

  public static Behavior<Command> create(Placement placement) {
    return Behaviors.setup(
        context ->
            DistributedData.<Command, LWWMap<String, String>>withReplicatorMessageAdapter(
                replicator -> {
                  SelfUniqueAddress self = DistributedData.get(context.getSystem()).selfUniqueAddress();
                  replicator.subscribe(VMS, Changed::new);
                  replicator.subscribe(HOSTS, Changed::new);
                  return Behaviors.receive(Command.class)
                      .onMessage(
                          Place.class,
                          place -> {
                            long move = placement.movesOf(place.vm()) + 1;
                            placement.placeVm(place.vm(), place.host(), place.guest(), move);
                            replicator.askUpdate(
                                replyTo ->
                                    new Replicator.Update<>(
                                        VMS, LWWMap.empty(), new Replicator.WriteAll(WRITE_TIMEOUT), replyTo,
                                        map -> map.put(self, place.vm(), Placement.encode(move, place.host(), place.guest()))),
                                response -> new Written(place, move, response));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Written.class,
                          written -> {
                            Place place = written.place();
                            boolean everywhere = written.response() instanceof Replicator.UpdateSuccess;
                            place.replyTo().tell(new Placed(place.vm(), place.host(), written.move(), everywhere));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Changed.class,
                          changed -> {
                            if (changed.response() instanceof Replicator.Changed<LWWMap<String, String>> change) {
                              apply(placement, change);
                            }
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  private static void apply(Placement placement, Replicator.Changed<LWWMap<String, String>> change) {
    Map<String, String> entries = change.dataValue().getEntries();
    if (change.key().equals(VMS)) {
      entries.forEach(placement::apply);
    } else {
      entries.forEach(placement::placeHost);
    }
  }
}
