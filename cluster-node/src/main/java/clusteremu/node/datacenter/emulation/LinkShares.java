package clusteremu.node.datacenter.emulation;

import clusteremu.tiers.CborSerializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Makes a link's bandwidth shared by every flow that crosses it, cluster-wide. Each node models
 * the links its own guests send on; a migration leaving from another node over the same uplink
 * would otherwise not slow this node's down. Every {@link #INTERVAL} each node tells the others
 * how many flows it has on which links, and each node lets the flows of the others take their
 * shares of its links ({@link SharedLink#setRemoteFlows}). What a node has not repeated within
 * {@link #STALE} no longer counts (a node that died). One per node in a datacenter, at {@code
 * /user/link-shares}.
 */
public final class LinkShares {
  public static final String NAME = "link-shares";
  static final Duration INTERVAL = Duration.ofMillis(100);
  static final Duration STALE = Duration.ofSeconds(1);

  public interface Command extends CborSerializable {}

  /** The flows node {@code node} has on each link now (links without any left out). */
  public record Flows(String node, Map<String, Integer> flows) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Local(Map<String, Integer> flows) implements Command {}

  private record Heard(Map<String, Integer> flows, long atNanos) {}

  private LinkShares() {}

  /**
   * @param node this node's name
   * @param peers the other nodes' addresses, by name
   */
  public static Behavior<Command> create(String node, Map<String, String> peers, Network network, EmulationLoop loop) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, INTERVAL);
                  ActorRefResolver resolver = ActorRefResolver.get(context.getSystem());
                  List<ActorRef<Command>> others =
                      peers.entrySet().stream()
                          .filter(peer -> !peer.getKey().equals(node))
                          .map(peer -> resolver.<Command>resolveActorRef(peer.getValue() + "/user/" + NAME))
                          .toList();
                  Map<String, Heard> heard = new HashMap<>();
                  AtomicReference<Map<String, Integer>> applied = new AtomicReference<>(Map.of());
                  boolean[] toldSome = {false};
                  ActorRef<Command> self = context.getSelf();
                  Runnable apply =
                      () -> {
                        long now = System.nanoTime();
                        Map<String, Integer> sum = new TreeMap<>();
                        heard.values().removeIf(h -> now - h.atNanos() > STALE.toNanos());
                        heard.values().forEach(h -> h.flows().forEach((link, n) -> sum.merge(link, n, Integer::sum)));
                        if (!sum.equals(applied.get())) {
                          applied.set(sum);
                          loop.execute(() -> network.setRemoteFlows(loop.now(), sum));
                        }
                      };
                  return Behaviors.receive(Command.class)
                      .onMessageEquals(
                          Tick.INSTANCE,
                          () -> {
                            loop.execute(() -> self.tell(new Local(network.localFlows())));
                            apply.run();
                            return Behaviors.same();
                          })
                      .onMessage(
                          Local.class,
                          local -> {
                            // Tell while there are flows, and once more when they end.
                            if (!local.flows().isEmpty() || toldSome[0]) {
                              Flows flows = new Flows(node, local.flows());
                              others.forEach(other -> other.tell(flows));
                              toldSome[0] = !local.flows().isEmpty();
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Flows.class,
                          flows -> {
                            heard.put(flows.node(), new Heard(flows.flows(), System.nanoTime()));
                            apply.run();
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
