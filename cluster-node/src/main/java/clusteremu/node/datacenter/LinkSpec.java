package clusteremu.node.datacenter;

/**
 * One link of the emulated network, in one direction: what a message pays to cross it.
 *
 * @param latencyNanos propagation and switching delay of the hop
 * @param bytesPerSecond bandwidth, shared fairly by the messages crossing the link at once
 */
public record LinkSpec(long latencyNanos, double bytesPerSecond) {

  /** How long {@code bytes} take on this link alone. */
  public long transferNanos(long bytes) {
    return (long) Math.ceil(bytes * 1e9 / bytesPerSecond);
  }
}
