package clusteremu.tiers.time;

import java.time.Duration;

/**
 * Emulated time that runs {@code factor} times slower than real time (time dilation, after
 * DieCast, Gupta et al., NSDI 2006). Every emulated duration takes {@code factor} times longer in
 * real time, so the emulated datacenter behaves like one {@code factor} times faster than the real
 * machine can carry, and what the real CPU spends per message (serialization, scheduling) shrinks
 * by {@code factor} in what a user reads. Factor 1 is real time.
 *
 * <p>An emulated instant is the {@link System#nanoTime()} instant divided by the factor, so two
 * clocks of one factor tell the same time, in one JVM and (as nanoTime) in every JVM of one
 * Linux machine; an instant a moving VM carries keeps its meaning.
 */
public final class TimeDilation {
  /** Real time: no dilation. */
  public static final TimeDilation NONE = new TimeDilation(1);

  private final double factor;

  /**
   * The most it may be: a second of emulated time is then over a quarter of an hour, and Pekko's
   * timers (which refuse a delay past about 248 days) still take every timeout a scenario sets.
   */
  public static final double MAX_FACTOR = 1000;

  /** @throws IllegalArgumentException unless {@code factor} is a number from 1 to {@link #MAX_FACTOR} */
  public TimeDilation(double factor) {
    if (!(factor >= 1 && factor <= MAX_FACTOR)) {
      throw new IllegalArgumentException("time dilation must be a number from 1 (real time) to 1000, got " + factor);
    }
    this.factor = factor;
  }

  /** How many real seconds one emulated second takes. */
  public double factor() {
    return factor;
  }

  public boolean dilated() {
    return factor != 1;
  }

  /** The emulated instant now, in {@link System#nanoTime()} terms. */
  public long nanoTime() {
    long real = System.nanoTime();
    return factor == 1 ? real : (long) (real / factor);
  }

  /** How long an emulated span of {@code emulatedNanos} takes in real time. */
  public long realNanos(long emulatedNanos) {
    return factor == 1 ? emulatedNanos : (long) Math.ceil(emulatedNanos * factor);
  }

  /** How long an emulated {@code duration} takes in real time. */
  public Duration real(Duration emulated) {
    return factor == 1 ? emulated : Duration.ofNanos(realNanos(emulated.toNanos()));
  }

  /** The emulated span that a real span of {@code realNanos} is. */
  public double emulatedNanos(double realNanos) {
    return realNanos / factor;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TimeDilation time && time.factor == factor;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(factor);
  }

  /** The factor as a scenario writes it: 10, not 10.0; 2.5. */
  public String factorText() {
    return java.math.BigDecimal.valueOf(factor).stripTrailingZeros().toPlainString();
  }

  @Override
  public String toString() {
    return factor == 1 ? "real time" : "time dilation " + factorText();
  }
}
