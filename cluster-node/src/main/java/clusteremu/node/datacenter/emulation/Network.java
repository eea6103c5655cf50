package clusteremu.node.datacenter.emulation;

import clusteremu.node.datacenter.Route;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.tiers.machine.Traffic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated network as one node's senders see it: a message is held while it crosses each
 * link of its route in turn (store and forward, sharing each link fairly with the other messages
 * on it), then for the route's summed latency, and only then handed to Pekko. Sizes are the
 * emulated sizes of {@link Traffic}, not what Pekko sends. Both ends of a route are found in
 * {@link Placement} per message, so a VM that moves is charged from its new host at once.
 *
 * <p>Links are modelled by the node whose guests send on them: a link carrying the messages of
 * guests on several nodes is shared only among each node's own messages, while migration flows
 * are shared cluster-wide through {@link LinkShares} (see README, "Limits").
 */
public final class Network {
  private static final Logger log = LoggerFactory.getLogger(Network.class);

  private final Topology topology;
  private final EmulationLoop loop;
  private final Set<Integer> nodePorts;
  private final Placement placement;
  private final VmAddresses addresses;
  private volatile boolean modelled;
  /** Links by name; loop thread only. */
  private final Map<String, SharedLink> links = new HashMap<>();
  /** Routes by sending host, then receiving host ({@link #OUTSIDE_KEY} for outside): no key is built per message. */
  private final Map<String, Map<String, Route>> routes = new ConcurrentHashMap<>();
  /** {@link Topology#OUTSIDE} (null) as a key of {@link #routes}: host names are never empty (TopologyLoader checks them). */
  private static final String OUTSIDE_KEY = "";
  /** The faults on paths now (see {@link PathImpairment}), with what each has lost; replaced whole. */
  private volatile List<Impaired> impaired = List.of();

  /** A path fault in force and the messages it has lost. */
  private static final class Impaired {
    final PathImpairment fault;
    final AtomicLong lost = new AtomicLong();

    Impaired(PathImpairment fault) {
      this.fault = fault;
    }
  }

  /**
   * @param nodePorts the Artery ports of the cluster's nodes: a recipient elsewhere is outside
   * @param addresses where each VM's guest is reached, or null for a sender that only answers
   *     references (the driver)
   * @param modelled false to hand messages straight to Pekko (the benchmark's baseline)
   */
  public Network(Topology topology, EmulationLoop loop, Set<Integer> nodePorts, Placement placement, VmAddresses addresses, boolean modelled) {
    this.topology = topology;
    this.loop = loop;
    this.nodePorts = nodePorts;
    this.placement = placement;
    this.addresses = addresses;
    this.modelled = modelled;
  }

  /** Turns the model on or off from now on (the datacenter benchmark compares the two). */
  public void setModelled(boolean modelled) {
    this.modelled = modelled;
  }

  /** Sends {@code message} from a guest on host {@code fromHost} (null: from outside) to a reference. */
  public <T> void send(String fromHost, ActorRef<T> to, T message) {
    if (!modelled) {
      to.tell(message);
      return;
    }
    carry(fromHost, hostOf(to), to, message);
  }

  /**
   * Sends {@code message} from the guest of VM {@code fromVm} to a reference; where that VM runs is
   * looked up only when the network is modelled.
   */
  public <T> void sendFromVm(String fromVm, ActorRef<T> to, T message) {
    if (!modelled) {
      to.tell(message);
      return;
    }
    carry(placement.hostOf(fromVm), hostOf(to), to, message);
  }

  /**
   * Sends {@code message} from the guest of VM {@code fromVm} to the guest of VM {@code vm}, where
   * it runs now; false, sending nothing, when this JVM knows of no guest of that VM (its host
   * crashed, or where it runs again has not reached this JVM yet).
   */
  public <T> boolean sendToVm(String fromVm, String vm, T message) {
    @SuppressWarnings("unchecked")
    ActorRef<T> guest = (ActorRef<T>) (ActorRef<?>) addresses.guestOrNull(vm);
    if (guest == null) {
      log.debug("no guest of VM {} to deliver {} to", vm, message.getClass().getSimpleName());
      return false;
    }
    if (!modelled) {
      guest.tell(message);
      return true;
    }
    carry(placement.hostOf(fromVm), placement.hostOf(vm), guest, message);
    return true;
  }

  private <T> void carry(String fromHost, String toHost, ActorRef<T> to, T message) {
    List<Impaired> faults = impaired;
    Route route = faults.isEmpty() ? route(fromHost, toHost) : impair(faults, fromHost, toHost, route(fromHost, toHost));
    if (route == null) {
      return; // lost on a faulty path: its sender's timeout speaks for it
    }
    long bytes = topology.sizes().of(Traffic.of(message));
    loop.execute(new Message<>(route, bytes, loop.now(), to, message));
  }

  /**
   * Carries {@code bytes} of bulk traffic (a migration's pages) from host {@code fromHost} to
   * host {@code toHost} from {@code at}, over the same links as the messages, sharing them as
   * one flow with the other batches of {@code flow}; {@code arrived} hears the instant they
   * arrived. Loop thread only.
   */
  public void carryBulk(String fromHost, String toHost, long at, long bytes, Object flow, SharedLink.Done arrived) {
    Route route = route(fromHost, toHost);
    List<Impaired> faults = impaired;
    if (!faults.isEmpty()) {
      route = impair(faults, fromHost, toHost, route);
      if (route == null) {
        return; // lost: the copy's acknowledgements stop, and its watchdog ends it
      }
    }
    new Crossing(route, bytes, flow) {
      @Override
      void arrived(long due) {
        arrived.crossed(due);
      }
    }.from(at);
  }

  /**
   * From now on, these faults are on the paths between their places (replacing those before);
   * an empty list heals every path. Any thread.
   */
  public synchronized void setImpairments(List<PathImpairment> faults) {
    // The same fault sent again (the table is resent whole) keeps its count and its link.
    List<Impaired> before = impaired;
    List<Impaired> next = new ArrayList<>();
    for (PathImpairment fault : faults) {
      next.add(before.stream().filter(i -> i.fault.equals(fault)).findFirst().orElseGet(() -> new Impaired(fault)));
    }
    if (next.equals(before)) {
      return;
    }
    impaired = List.copyOf(next);
    log.info("path faults now: {}", faults.isEmpty() ? "none" : faults.stream().map(PathImpairment::describe).toList());
  }

  /** The faults in force, each with the messages it has lost so far. */
  public Map<PathImpairment, Long> impairmentLosses() {
    Map<PathImpairment, Long> losses = new java.util.LinkedHashMap<>();
    for (Impaired fault : impaired) {
      losses.put(fault.fault, fault.lost.get());
    }
    return losses;
  }

  /**
   * The route with every fault on its path added (their latencies summed, each narrower link a
   * hop), the same route when none is, or null when the message is lost: a cut among them loses
   * it, and each lossy one may.
   */
  private Route impair(List<Impaired> faults, String fromHost, String toHost, Route route) {
    List<Route.Hop> hops = null;
    long latency = route.latencyNanos();
    for (Impaired fault : faults) {
      if (!fault.fault.covers(topology, fromHost, toHost)) {
        continue;
      }
      if (fault.fault.loss() > 0 && (fault.fault.isCut() || ThreadLocalRandom.current().nextDouble() < fault.fault.loss())) {
        fault.lost.incrementAndGet();
        return null;
      }
      latency += fault.fault.extraLatencyNanos();
      PathImpairment.Hop hop = fault.fault.hop(topology, fromHost);
      if (hop != null) {
        if (hops == null) {
          hops = new ArrayList<>(route.hops());
        }
        hops.add(new Route.Hop(hop.link(), hop.spec()));
      }
    }
    if (latency == route.latencyNanos() && hops == null) {
      return route;
    }
    return new Route(hops == null ? route.hops() : List.copyOf(hops), latency);
  }

  /** The route between two hosts (either may be {@link Topology#OUTSIDE}). */
  public Route route(String fromHost, String toHost) {
    Map<String, Route> from = routes.computeIfAbsent(keyOf(fromHost), key -> new ConcurrentHashMap<>());
    Route route = from.get(keyOf(toHost));
    // Looked up before computeIfAbsent, whose lambda would capture both hosts for every message.
    return route != null ? route : from.computeIfAbsent(keyOf(toHost), key -> topology.route(fromHost, toHost));
  }

  private static String keyOf(String host) {
    return host == null ? OUTSIDE_KEY : host;
  }

  /**
   * Bytes on their way over a route: across each link in turn (store and forward), then the
   * route's latency, then {@link #arrived}. One object per message or batch, told by each link
   * and by the loop in turn, so the way costs no closure per hop. Loop thread only.
   */
  private abstract class Crossing implements SharedLink.Done, EmulationLoop.Action {
    private final Route route;
    private final long bytes;
    private final Object flow;
    private int hop;

    Crossing(Route route, long bytes, Object flow) {
      this.route = route;
      this.bytes = bytes;
      this.flow = flow;
    }

    /** Over the next hop from {@code at} and the rest of the route; a flow's batches keep their order on each link. */
    final void from(long at) {
      if (hop == route.hops().size()) {
        if (route.latencyNanos() == 0 && flow == null) {
          arrived(at); // due now: a timer would only queue it behind the loop's others
        } else {
          loop.at(at + route.latencyNanos(), this);
        }
        return;
      }
      link(route.hops().get(hop)).send(at, bytes, flow, this);
    }

    @Override
    public final void crossed(long at) {
      hop++;
      from(at);
    }

    @Override
    public final void run(long due) {
      arrived(due);
    }

    abstract void arrived(long due);
  }

  /** A message, handed to the loop at {@code sent} and told to its recipient when it has arrived. */
  private final class Message<T> extends Crossing implements Runnable {
    private final long sent;
    private final ActorRef<T> to;
    private final T message;

    Message(Route route, long bytes, long sent, ActorRef<T> to, T message) {
      super(route, bytes, null);
      this.sent = sent;
      this.to = to;
      this.message = message;
    }

    @Override
    public void run() {
      from(sent);
    }

    @Override
    void arrived(long due) {
      to.tell(message);
    }
  }

  private SharedLink link(Route.Hop hop) {
    SharedLink known = links.get(hop.link());
    if (known != null) {
      return known;
    }
    return links.computeIfAbsent(
        hop.link(),
        name -> {
          SharedLink link = new SharedLink(name, hop.spec(), loop);
          link.setRemoteFlows(loop.now(), remoteFlows.getOrDefault(name, 0));
          return link;
        });
  }

  /** Flows of other nodes on each link, as they last told (see {@link LinkShares}). Loop thread only. */
  private Map<String, Integer> remoteFlows = Map.of();

  /** The flows this node has on each link now, for links with any. Loop thread only. */
  public Map<String, Integer> localFlows() {
    Map<String, Integer> flows = new java.util.TreeMap<>();
    for (SharedLink link : links.values()) {
      if (link.flows() > 0) {
        flows.put(link.name(), link.flows());
      }
    }
    return flows;
  }

  /** From {@code now}, other nodes have {@code flows} flows on these links (none on any other). Loop thread only. */
  public void setRemoteFlows(long now, Map<String, Integer> flows) {
    remoteFlows = flows;
    for (SharedLink link : links.values()) {
      link.setRemoteFlows(now, flows.getOrDefault(link.name(), 0));
    }
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
    scala.Option<Object> port = ref.path().address().port(); // Scala's, kept in the address: getPort() makes an Optional per call
    if (port.isDefined() && !nodePorts.contains((Integer) port.get())) {
      return Topology.OUTSIDE;
    }
    String vm = VmAddresses.vmOf(ref);
    return vm == null ? Topology.OUTSIDE : placement.hostOf(vm);
  }
}
