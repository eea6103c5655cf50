package clusteremu.node.migration;

/**
 * When pre-copy stops iterating, as one small computation (QEMU's rule, migration.c): stop when
 * what is left would go within the downtime limit at the bandwidth measured so far; otherwise
 * after {@code maxRounds} rounds, or when a round made no progress (it left at least as many
 * dirty pages as it set out to send).
 */
public final class StopRule {
  /** Why iterating stopped, as users read it. */
  public enum Reason {
    /** What is left goes within the downtime limit. */
    CONVERGED("converged"),
    /** The round limit was reached first. */
    MAX_ROUNDS("max-rounds"),
    /** A round left as many dirty pages as it sent: the guest dirties as fast as we copy. */
    NO_PROGRESS("no-progress");

    public final String text;

    Reason(String text) {
      this.text = text;
    }
  }

  private final long maxDowntimeNanos;
  private final int maxRounds;

  public StopRule(long maxDowntimeNanos, int maxRounds) {
    if (maxDowntimeNanos <= 0 || maxRounds <= 0) {
      throw new IllegalArgumentException("max downtime and max rounds must be above zero");
    }
    this.maxDowntimeNanos = maxDowntimeNanos;
    this.maxRounds = maxRounds;
  }

  /** How long {@code remainingBytes} would take at {@code bytesPerSecond}: the downtime to expect if we stopped now. */
  public static long expectedDowntimeNanos(long remainingBytes, double bytesPerSecond) {
    return bytesPerSecond <= 0 ? Long.MAX_VALUE : (long) Math.ceil(remainingBytes * 1e9 / bytesPerSecond);
  }

  /**
   * After round {@code round} (0 for the first) sent {@code sentPages}, leaving {@code
   * remainingBytes} ({@code remainingPages}) dirty, at a measured {@code bytesPerSecond}: the
   * reason to stop now, or null to go on.
   *
   * @param throttleCanRise true while auto-converge may still slow the guest: then no progress is
   *     no reason to stop yet
   */
  public Reason decide(int round, long sentPages, long remainingPages, long remainingBytes, double bytesPerSecond, boolean throttleCanRise) {
    if (expectedDowntimeNanos(remainingBytes, bytesPerSecond) <= maxDowntimeNanos) {
      return Reason.CONVERGED;
    }
    if (round + 1 >= maxRounds) {
      return Reason.MAX_ROUNDS;
    }
    if (round > 0 && remainingPages >= sentPages && !throttleCanRise) {
      return Reason.NO_PROGRESS;
    }
    return null;
  }
}
