package clusteremu.tiers.dataserver;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which data VMs hold a key: a fixed table of the scenario's data VMs by name, the key's hash
 * modulo their number giving its owner. The table never changes while the cluster runs, so a data
 * VM that moves to another host keeps every key it owns, and one that is gone leaves its keys
 * unavailable instead of handing them to a server that never saw their writes.
 *
 * <p>With {@code replication = 2} every key also has a backup, the next data VM in the table: its
 * owner and its backup hold it, every write is applied by both before it is acknowledged, and a
 * key is served by its backup while its owner is gone.
 */
public final class Partitioning {
  private final List<String> dataVms;
  private final int replication;

  /** @param dataVms every data VM of the scenario, in a stable order (by name) */
  public Partitioning(List<String> dataVms) {
    this(dataVms, 1);
  }

  /** @param replication 1 (each key on its owner) or 2 (and on its backup); 2 needs two data VMs at least */
  public Partitioning(List<String> dataVms, int replication) {
    if (replication < 1 || replication > 2 || (replication == 2 && dataVms.size() < 2)) {
      throw new IllegalArgumentException("replication " + replication + " over " + dataVms.size() + " data VMs; expected 1, or 2 with two data VMs at least");
    }
    this.dataVms = List.copyOf(dataVms);
    this.replication = replication;
  }

  /** The owner of {@code key}; null when the scenario has no data VM. */
  public String owner(long key) {
    return dataVms.isEmpty() ? null : owner(key, dataVms);
  }

  /** The data VMs that hold {@code key}: its owner, then (with replication 2) its backup; empty without data VMs. */
  public List<String> holders(long key) {
    if (dataVms.isEmpty()) {
      return List.of();
    }
    int owner = Math.floorMod(mix(key), dataVms.size());
    return replication == 1 ? List.of(dataVms.get(owner)) : List.of(dataVms.get(owner), dataVms.get((owner + 1) % dataVms.size()));
  }

  /** Whether {@code vm} holds {@code key}. */
  public boolean holds(String vm, long key) {
    return holders(key).contains(vm);
  }

  /** The other data VMs that share keys with {@code vm}: the one backing it up and the one it backs up. Empty without replication. */
  public Set<String> partnersOf(String vm) {
    int i = dataVms.indexOf(vm);
    if (replication == 1 || i < 0) {
      return Set.of();
    }
    Set<String> partners = new LinkedHashSet<>();
    partners.add(dataVms.get((i + 1) % dataVms.size()));
    partners.add(dataVms.get((i - 1 + dataVms.size()) % dataVms.size()));
    partners.remove(vm);
    return partners;
  }

  public List<String> dataVms() {
    return dataVms;
  }

  public int replication() {
    return replication;
  }

  /** The owner of {@code key} among {@code servers}, which must not be empty and is in a stable order. */
  public static <T> T owner(long key, List<T> servers) {
    return servers.get(Math.floorMod(mix(key), servers.size()));
  }

  /** A 64-bit finaliser (from SplitMix64), so neighbouring keys spread over all servers. */
  static long mix(long key) {
    long z = key + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
