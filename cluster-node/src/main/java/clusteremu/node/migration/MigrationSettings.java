package clusteremu.node.migration;

import java.time.Duration;

/**
 * How one migration runs.
 *
 * @param maxDowntime pre-copy stops iterating once what is left would go within this (QEMU's
 *     downtime-limit, 300 ms by default)
 * @param maxRounds pre-copy rounds at most, round 0 included
 * @param bandwidthBytesPerSecond the cap on migration traffic (QEMU's max-bandwidth, 128 MiB/s
 *     by default); the links of the path may allow less
 * @param autoConverge throttle the guest's CPU when rounds do not converge
 * @param batchPages pages per message on the wire
 * @param executionStateBytes what moves besides pages when the guest pauses: its vCPU and
 *     device state, and its guest's in-flight work
 * @param realContents pages carry 4 KiB of contents each (checked at the destination, then
 *     dropped) instead of only their numbers and versions: the real carrier's cost shows
 */
public record MigrationSettings(
    Strategy strategy,
    Duration maxDowntime,
    int maxRounds,
    double bandwidthBytesPerSecond,
    boolean autoConverge,
    int batchPages,
    long executionStateBytes,
    boolean realContents) {

  public static final Duration DEFAULT_MAX_DOWNTIME = Duration.ofMillis(300);
  public static final int DEFAULT_MAX_ROUNDS = 30;
  public static final double DEFAULT_BANDWIDTH = 128.0 * (1 << 20);
  public static final int DEFAULT_BATCH_PAGES = 64;
  public static final long DEFAULT_EXECUTION_STATE_BYTES = 256 << 10;

  public MigrationSettings {
    if (maxDowntime.isNegative() || maxDowntime.isZero()) {
      throw new IllegalArgumentException("max downtime must be above zero, got " + maxDowntime);
    }
    if (maxRounds < 1) {
      throw new IllegalArgumentException("max rounds must be at least 1, got " + maxRounds);
    }
    if (!(bandwidthBytesPerSecond > 0)) {
      throw new IllegalArgumentException("bandwidth must be above zero, got " + bandwidthBytesPerSecond);
    }
    if (batchPages < 1 || executionStateBytes < 0) {
      throw new IllegalArgumentException("batch pages must be at least 1 and execution state not negative");
    }
  }

  /** QEMU's defaults for a strategy. */
  public static MigrationSettings defaults(Strategy strategy) {
    return new MigrationSettings(
        strategy, DEFAULT_MAX_DOWNTIME, DEFAULT_MAX_ROUNDS, DEFAULT_BANDWIDTH, false, DEFAULT_BATCH_PAGES, DEFAULT_EXECUTION_STATE_BYTES, false);
  }

  public MigrationSettings withMaxRounds(int rounds) {
    return new MigrationSettings(strategy, maxDowntime, rounds, bandwidthBytesPerSecond, autoConverge, batchPages, executionStateBytes, realContents);
  }

  public MigrationSettings withMaxDowntime(Duration downtime) {
    return new MigrationSettings(strategy, downtime, maxRounds, bandwidthBytesPerSecond, autoConverge, batchPages, executionStateBytes, realContents);
  }

  public MigrationSettings withAutoConverge(boolean on) {
    return new MigrationSettings(strategy, maxDowntime, maxRounds, bandwidthBytesPerSecond, on, batchPages, executionStateBytes, realContents);
  }

  public MigrationSettings withRealContents(boolean on) {
    return new MigrationSettings(strategy, maxDowntime, maxRounds, bandwidthBytesPerSecond, autoConverge, batchPages, executionStateBytes, on);
  }
}
