package clusteremu.node;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition until a deadline, for tests: the condition is polled every millisecond,
 * so a test goes on as soon as it holds, and fails, saying what it waited for, only once the
 * deadline passed without it. Deadlines are generous (a busy machine only makes a test slower,
 * never wrong); a fixed sleep is never used instead.
 */
public final class Await {
  private static final long POLL_NANOS = 1_000_000;

  private Await() {}

  /** Returns once {@code condition} holds; throws an AssertionError naming {@code what} after {@code limit}. */
  public static void until(Duration limit, BooleanSupplier condition, String what) {
    until(limit, condition, () -> what);
  }

  /** As {@link #until(Duration, BooleanSupplier, String)}, the message made when it fails (to show the last state). */
  public static void until(Duration limit, BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("not within " + limit + ": " + what.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        throw new AssertionError("interrupted while waiting: " + what.get());
      }
    }
  }
}
