package clusteremu.tiers.dataserver;

import java.util.List;

/**
 * Which data VM owns a key: a fixed table of the scenario's data VMs by name, the key's hash
 * modulo their number. The table never changes while the cluster runs, so a data VM that moves
 * to another host keeps every key it owns, and one that is gone leaves its keys unavailable
 * instead of handing them to a server that never saw their writes.
 */
public final class Partitioning {
  private final List<String> dataVms;

  /** @param dataVms every data VM of the scenario, in a stable order (by name) */
  public Partitioning(List<String> dataVms) {
    this.dataVms = List.copyOf(dataVms);
  }

  /** The owner of {@code key}; null when the scenario has no data VM. */
  public String owner(long key) {
    return dataVms.isEmpty() ? null : owner(key, dataVms);
  }

  public List<String> dataVms() {
    return dataVms;
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
