package clusteremu.node.datacenter.placement;

import clusteremu.node.datacenter.Topology;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where every VM runs and which node carries every host, as this JVM knows it now: the one truth
 * the network model and every sender consult, per message. It starts from the scenario's initial
 * placement (every node reads the same scenario) and follows the cluster-wide replicated state
 * that {@link PlacementReplica} keeps in Pekko Distributed Data, so a VM that moves is found at
 * its new host by every JVM once the change has spread.
 *
 * <p>Reads are lock-free map look-ups, safe from any thread.
 */
public final class Placement {
  private final Map<String, String> hostOfVm = new ConcurrentHashMap<>();
  /** The guest's exact reference (with its incarnation's uid) once a VM has moved, serialised. */
  private final Map<String, String> guestOfVm = new ConcurrentHashMap<>();
  private final Map<String, String> nodeOfHost = new ConcurrentHashMap<>();
  /** How many times each VM has been placed since the scenario put it: later moves win. */
  private final Map<String, Long> movesOfVm = new ConcurrentHashMap<>();

  /** Starts from {@code hostOfVm} (VM → host) and {@code nodeOfHost} (host → node). */
  public Placement(Map<String, String> hostOfVm, Map<String, String> nodeOfHost) {
    this.hostOfVm.putAll(hostOfVm);
    this.nodeOfHost.putAll(nodeOfHost);
  }

  /** The initial placement of a datacenter: where its scenario puts each VM and host. */
  public static Placement initial(Topology topology) {
    Map<String, String> vms = new java.util.HashMap<>();
    topology.vms().values().forEach(vm -> vms.put(vm.name(), vm.host()));
    return new Placement(vms, topology.nodeOfHost());
  }

  /** The host VM {@code vm} runs on now, or null for a name that is no VM of the datacenter or a VM down with its host. */
  public String hostOf(String vm) {
    return hostOfVm.get(vm);
  }

  /** The node JVM that carries host {@code host} now, or null for an unknown host. */
  public String nodeOrNull(String host) {
    return nodeOfHost.get(host);
  }

  /** The node JVM that carries host {@code host} now, or empty for an unknown host. */
  public Optional<String> nodeOf(String host) {
    return Optional.ofNullable(nodeOfHost.get(host));
  }

  /** Every VM and its host, as known now. */
  public Map<String, String> vms() {
    return Map.copyOf(hostOfVm);
  }

  /** The host of a VM that runs nowhere: its host crashed (see HostCrashes); it has none until recovered. */
  public static final String NOWHERE = "-";

  /** Records that {@code vm} runs on {@code host} from now on ({@link #NOWHERE}: on none). */
  public void placeVm(String vm, String host) {
    if (NOWHERE.equals(host)) {
      hostOfVm.remove(vm);
    } else {
      hostOfVm.put(vm, host);
    }
  }

  /**
   * Records that {@code vm} runs on {@code host} from now on, its guest at {@code guest} (a
   * reference in Pekko's serialised form, with the uid of this incarnation: a VM that comes back
   * to a host it left gets a new actor at the old path, which a reference by path alone could
   * mistake for the old one).
   */
  public void placeVm(String vm, String host, String guest) {
    if (guest != null) {
      guestOfVm.put(vm, guest);
    } else {
      guestOfVm.remove(vm);
    }
    placeVm(vm, host);
  }

  /** How many times {@code vm} has moved, as this JVM knows (0: where the scenario put it). */
  public long movesOf(String vm) {
    return movesOfVm.getOrDefault(vm, 0L);
  }

  /**
   * Records move number {@code move} of {@code vm}: to {@code host}, its guest at {@code guest}
   * (null: at its VM's first path). A move older than one already known changes nothing, so a
   * late notice of an earlier move never takes a VM back. False when it was older.
   */
  public synchronized boolean placeVm(String vm, String host, String guest, long move) {
    if (move < movesOf(vm)) {
      return false;
    }
    movesOfVm.put(vm, move);
    placeVm(vm, host, guest);
    return true;
  }

  /** The serialised reference of {@code vm}'s guest once it has moved, or null. */
  public String guestOf(String vm) {
    return guestOfVm.get(vm);
  }

  /** A placement as one replicated value: the move's number, the host, then the guest's reference if known. */
  static String encode(long move, String host, String guest) {
    return guest == null ? move + " " + host : move + " " + host + " " + guest;
  }

  /** Applies a value written by {@link #encode}, unless this JVM knows a later move of the VM. */
  void apply(String vm, String value) {
    String[] parts = value.split(" ", 3);
    placeVm(vm, parts[1], parts.length > 2 ? parts[2] : null, Long.parseLong(parts[0]));
  }

  /** Records that node {@code node} carries {@code host} from now on. */
  public void placeHost(String host, String node) {
    nodeOfHost.put(host, node);
  }
}
