package clusteremu.tiers.driver;

import java.util.SplittableRandom;

/**
 * The intended send times of an open loop: evenly spaced at {@code rate} per second, or with
 * exponential gaps of the same mean (Poisson arrivals).
 */
final class ArrivalSchedule {
  private final double meanGapNanos;
  private final boolean poisson;
  private final SplittableRandom random;
  private double next;

  ArrivalSchedule(double rate, LoadSettings.Arrivals arrivals, long startNanos, long seed) {
    this.meanGapNanos = 1e9 / rate;
    this.poisson = arrivals == LoadSettings.Arrivals.POISSON;
    this.random = new SplittableRandom(seed);
    this.next = startNanos;
  }

  /** The next intended send time, an emulated instant (as {@code startNanos}). */
  long next() {
    long now = Math.round(next);
    next += poisson ? -Math.log(1.0 - random.nextDouble()) * meanGapNanos : meanGapNanos;
    return now;
  }
}
