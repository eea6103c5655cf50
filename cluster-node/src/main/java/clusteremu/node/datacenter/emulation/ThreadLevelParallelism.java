package clusteremu.node.datacenter.emulation;

/**
 * How many emulated threads of a node execute at once, over time: c_i is the fraction of time
 * exactly i execute, and TLP = sum(i c_i) / (1 - c_0), as the lecture notes define it. Kept
 * exactly, from every change of a host's executing threads, rather than sampled. Loop thread only.
 */
public final class ThreadLevelParallelism {
  private long[] nanosAt;
  private int executing;
  private long since;

  public ThreadLevelParallelism(int maxThreads, long now) {
    this.nanosAt = new long[maxThreads + 1];
    this.since = now;
  }

  /** {@code delta} more threads execute from {@code now} on. */
  public void change(long now, int delta) {
    account(now);
    executing += delta;
  }

  private void account(long now) {
    if (now > since) {
      if (executing >= nanosAt.length) {
        nanosAt = java.util.Arrays.copyOf(nanosAt, executing + 1);
      }
      nanosAt[executing] += now - since;
      since = now;
    }
  }

  /** The fractions c_0 .. c_N since the last call, and starts a new interval. */
  public double[] fractionsAndReset(long now) {
    account(now);
    long total = 0;
    for (long n : nanosAt) {
      total += n;
    }
    double[] c = new double[nanosAt.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = total == 0 ? (i == 0 ? 1 : 0) : nanosAt[i] / (double) total;
    }
    java.util.Arrays.fill(nanosAt, 0);
    return c;
  }

  /** TLP = sum(i c_i) / (1 - c_0); zero when nothing ever executed. */
  public static double tlp(double[] c) {
    double weighted = 0;
    for (int i = 1; i < c.length; i++) {
      weighted += i * c[i];
    }
    return c[0] >= 1 ? 0 : weighted / (1 - c[0]);
  }
}
