package clusteremu.node.datacenter.emulation;

import clusteremu.node.datacenter.Route;
import clusteremu.node.datacenter.Topology;
import clusteremu.tiers.machine.Traffic;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The emulated network as one node's senders see it: a message is held while it crosses each
 * link of its route in turn (store and forward, sharing each link fairly with the other messages
 * on it), then for the route's summed latency, and only then handed to Pekko. Sizes are the
 * emulated sizes of {@link Traffic}, not what Pekko sends.
 *
 * <p>Links are modelled by the node whose guests send on them: a link carrying the flows of
 * guests on several nodes is shared only among each node's own flows (see README, "Limits").
 */
public final class Network {
  private final Topology topology;
  private final EmulationLoop loop;
  private final Set<Integer> nodePorts;
  private volatile boolean modelled;
  /** Links by name; loop thread only. */
  private final Map<String, SharedLink> links = new HashMap<>();
  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  /**
   * @param nodePorts the Artery ports of the cluster's nodes: a recipient elsewhere is outside
   * @param modelled false to hand messages straight to Pekko (the benchmark's baseline)
   */
  public Network(Topology topology, EmulationLoop loop, Set<Integer> nodePorts, boolean modelled) {
    this.topology = topology;
    this.loop = loop;
    this.nodePorts = nodePorts;
    this.modelled = modelled;
  }

  /** Turns the model on or off from now on (the datacenter benchmark compares the two). */
  public void setModelled(boolean modelled) {
    this.modelled = modelled;
  }

  /** Sends {@code message} from a guest on host {@code fromHost} (null: from outside). */
  public <T> void send(String fromHost, ActorRef<T> to, T message) {
    if (!modelled) {
      to.tell(message);
      return;
    }
    String toHost = hostOf(to);
    Route route = routes.computeIfAbsent(fromHost + ">" + toHost, key -> topology.route(fromHost, toHost));
    long bytes = topology.sizes().of(Traffic.of(message));
    long now = System.nanoTime();
    loop.execute(() -> cross(route, 0, now, bytes, () -> to.tell(message)));
  }

  private void cross(Route route, int hop, long at, long bytes, Runnable deliver) {
    if (hop == route.hops().size()) {
      loop.at(at + route.latencyNanos(), due -> deliver.run());
      return;
    }
    Route.Hop next = route.hops().get(hop);
    link(next).send(at, bytes, crossed -> cross(route, hop + 1, crossed, bytes, deliver));
  }

  private SharedLink link(Route.Hop hop) {
    return links.computeIfAbsent(hop.link(), name -> new SharedLink(name, hop.spec(), loop));
  }

  /** Every link this node has sent on so far. Loop thread only. */
  public Iterable<SharedLink> links() {
    return links.values();
  }

  /**
   * The host of the VM whose guest {@code ref} is (or sits under, as a message adapter does), or
   * {@link Topology#OUTSIDE} for anything not on a node of the cluster, such as the driver.
   */
  public String hostOf(ActorRef<?> ref) {
    Optional<Integer> port = ref.path().address().getPort();
    if (port.isPresent() && !nodePorts.contains(port.get())) {
      return Topology.OUTSIDE;
    }
    Iterator<String> elements = ref.path().getElements().iterator();
    if (!elements.hasNext() || !elements.next().equals("user") || !elements.hasNext()) {
      return Topology.OUTSIDE;
    }
    return topology.vm(elements.next()).map(vm -> vm.host()).orElse(Topology.OUTSIDE);
  }
}
