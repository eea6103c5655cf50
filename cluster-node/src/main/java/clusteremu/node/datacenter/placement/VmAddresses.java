package clusteremu.node.datacenter.placement;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.RootActorPath;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/**
 * Turns a VM's name into the reference of its guest where the VM runs now. A guest lives at
 * {@code /user/host-<host>/<vm>/guest} on the node that carries its host: the {@code Host} actor
 * is the VM's parent, the {@code Vm} actor the guest's. So the path follows from
 * {@link Placement} alone, and a VM that moves is reached at its new place as soon as placement
 * says so. Guests on this node are found in a local table (a local path resolved before its actor
 * exists would stay a dead letter); guests elsewhere by resolving their path, cached until
 * placement changes.
 */
public final class VmAddresses {
  /** The name of a guest's actor under its {@code Vm} actor. */
  public static final String GUEST = "guest";
  private static final String HOST_PREFIX = "host-";

  private record Located(String host, String node, String exact, ActorRef<Object> guest) {}

  private final Placement placement;
  private final String selfNode;
  private final Map<String, String> nodeAddresses;
  private final ActorRefResolver resolver;
  private final Map<String, ActorRef<Object>> local = new ConcurrentHashMap<>();
  private final Map<String, ActorRef<Object>> vms = new ConcurrentHashMap<>();
  private final Map<String, Located> remote = new ConcurrentHashMap<>();

  /**
   * @param selfNode the node this JVM is, or null outside the datacenter (the driver)
   * @param nodeAddresses each node's address in Pekko's form, e.g. {@code pekko://c@127.0.0.1:25521}
   */
  public VmAddresses(Placement placement, String selfNode, Map<String, String> nodeAddresses, ActorRefResolver resolver) {
    this.placement = placement;
    this.selfNode = selfNode;
    this.nodeAddresses = Map.copyOf(nodeAddresses);
    this.resolver = resolver;
  }

  /** The actor name of host {@code host}'s {@code Host} actor. */
  public static String hostActorName(String host) {
    return HOST_PREFIX + host;
  }

  /**
   * The VM whose guest {@code ref} is or sits under (a message adapter does), from its path
   * {@code /user/host-<host>/<vm>[.<incarnation>]/...}; null for anything else, such as the
   * driver. (A VM that comes back to a host its last incarnation still forwards from is named
   * {@code <vm>.<n>} there; VM names have no dots.)
   */
  public static String vmOf(ActorRef<?> ref) {
    // Walked up from the leaf, keeping the last three names seen: the path's first three
    // elements, without the list getElements() builds (this runs for every message sent).
    String first = null;
    String second = null;
    String third = null;
    for (ActorPath path = ref.path(); !(path instanceof RootActorPath); path = path.parent()) {
      third = second;
      second = first;
      first = path.name();
    }
    if (!"user".equals(first) || second == null || !second.startsWith(HOST_PREFIX) || third == null) {
      return null;
    }
    int dot = third.indexOf('.');
    return dot < 0 ? third : third.substring(0, dot);
  }

  /** A guest of this node has started in VM {@code vm}. */
  @SuppressWarnings("unchecked")
  public void local(String vm, ActorRef<?> guest) {
    local.put(vm, (ActorRef<Object>) guest);
  }

  /** The guest {@code guest} of VM {@code vm} has stopped or left this node (a newer one of the same VM stays). */
  public void forget(String vm, ActorRef<?> guest) {
    local.remove(vm, guest);
  }

  /** The {@code Vm} actor of VM {@code vm} runs on this node. */
  @SuppressWarnings("unchecked")
  public void localVm(String vm, ActorRef<?> ref) {
    vms.put(vm, (ActorRef<Object>) ref);
  }

  /** The {@code Vm} actor {@code ref} has stopped or let its VM go (a newer one of the same VM stays). */
  public void forgetVm(String vm, ActorRef<?> ref) {
    vms.remove(vm, ref);
  }

  /** The guest of VM {@code vm} on this node, if one has started here, wherever placement says the VM is. */
  public ActorRef<Object> localGuestOrNull(String vm) {
    return local.get(vm);
  }

  /** The {@code Vm} actor of VM {@code vm} on this node, if it runs here. */
  @SuppressWarnings("unchecked")
  public <T> Optional<ActorRef<T>> localVm(String vm) {
    return Optional.ofNullable((ActorRef<T>) vms.get(vm));
  }

  /** The guest of VM {@code vm} where it runs now, or empty when placement knows no such VM or its guest is not up. */
  @SuppressWarnings("unchecked")
  public <T> Optional<ActorRef<T>> guestOf(String vm) {
    return Optional.ofNullable((ActorRef<T>) guestOrNull(vm));
  }

  /**
   * As {@link #guestOf}, null for none: the per-message path, which allocates nothing once a
   * VM's reference is known.
   */
  public ActorRef<Object> guestOrNull(String vm) {
    String host = placement.hostOf(vm);
    if (host == null) {
      return null;
    }
    String node = placement.nodeOrNull(host);
    if (node == null) {
      return null;
    }
    if (node.equals(selfNode)) {
      return local.get(vm);
    }
    Located known = remote.get(vm);
    String exact = placement.guestOf(vm);
    if (known != null && known.host().equals(host) && known.node().equals(node) && java.util.Objects.equals(exact, known.exact())) {
      return known.guest();
    }
    String address = nodeAddresses.get(node);
    if (address == null) {
      return null;
    }
    // The exact incarnation when placement knows it (the VM has moved; it may be named
    // <vm>.<n> on a host it came back to), else the path of the first.
    String onHost = address + "/user/" + hostActorName(host) + "/";
    boolean current = exact != null && exact.startsWith(onHost);
    known = new Located(host, node, exact, resolver.resolveActorRef(current ? exact : onHost + vm + "/" + GUEST));
    remote.put(vm, known);
    return known.guest();
  }
}
