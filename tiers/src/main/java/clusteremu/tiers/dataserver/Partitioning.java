package clusteremu.tiers.dataserver;

import java.util.List;

/** Which data server owns a key: the key's hash modulo the number of data servers. */
public final class Partitioning {
  private Partitioning() {}

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
