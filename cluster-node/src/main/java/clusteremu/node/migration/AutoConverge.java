package clusteremu.node.migration;

/**
 * QEMU's auto-converge: when the guest dirties memory faster than pre-copy sends it, throttle its
 * CPU, first by {@code initial} percent, then {@code increment} more each time, up to {@code max}.
 * "Faster" is QEMU's test: the bytes dirtied in a round exceed {@code trigger} percent of the
 * bytes sent in it, in two rounds (migration/ram.c, the dirty-rate-high count).
 */
public final class AutoConverge {
  public static final int INITIAL = 20;
  public static final int INCREMENT = 10;
  public static final int MAX = 99;
  public static final int TRIGGER = 50;

  private int highRounds;
  private int throttlePercent;

  /** The throttle in force, in percent of the guest's CPU taken away (0 = none). */
  public int throttlePercent() {
    return throttlePercent;
  }

  /** Whether the throttle can still rise. */
  public boolean canRise() {
    return throttlePercent < MAX;
  }

  /** After a round that sent {@code sentBytes} while {@code dirtiedBytes} were dirtied; returns the throttle from now on. */
  public int afterRound(long sentBytes, long dirtiedBytes) {
    if (dirtiedBytes * 100 > sentBytes * (long) TRIGGER) {
      if (++highRounds >= 2) {
        highRounds = 0;
        throttlePercent = throttlePercent == 0 ? INITIAL : Math.min(MAX, throttlePercent + INCREMENT);
      }
    }
    return throttlePercent;
  }
}
