package clusteremu.node.metrics;

/**
 * Which hosts get their lines in the metrics log this interval, when a node carries more host and
 * VM lines than {@code clusteremu.metrics.datacenter-lines} allows: a window that moves on over
 * the hosts, in order, interval by interval, and wraps around, so every host and its VMs is
 * written once every few intervals and none is left out. A host's lines are never split over two
 * intervals, so each window holds at least one host. Limit 0: every host, every interval.
 *
 * <p>At 100,000 VMs a line per VM each second is more than the nodes can write on two cores (the
 * README's scale benchmark measured it); the limit keeps the cost bounded whatever the size.
 */
public final class HostSample {
  private final int limit;
  private int next;

  /** {@code limit}: at most this many lines an interval (0: no limit). */
  public HostSample(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be 0 (none) or more, got " + limit);
    }
    this.limit = limit;
  }

  /**
   * The hosts to write this interval, given how many lines each has ({@code lines[i]}: host
   * {@code i} itself and its VMs); moves the window on.
   */
  public boolean[] take(int[] lines) {
    int n = lines.length;
    boolean[] chosen = new boolean[n];
    long total = 0;
    for (int l : lines) {
      total += l;
    }
    if (limit == 0 || total <= limit) {
      java.util.Arrays.fill(chosen, true);
      return chosen;
    }
    int at = next % n;
    long taken = 0;
    for (int count = 0; count < n; count++) {
      if (taken > 0 && taken + lines[at] > limit) {
        break;
      }
      chosen[at] = true;
      taken += lines[at];
      at = (at + 1) % n;
    }
    next = at;
    return chosen;
  }

  /** True when some intervals leave hosts out. */
  public boolean sampling(long totalLines) {
    return limit > 0 && totalLines > limit;
  }
}
