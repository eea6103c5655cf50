package clusteremu.node.machine;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Delivers the completions of emulated work at their due times, from one thread per node.
 * Pekko's scheduler ticks every 10 ms, far too coarse for millisecond demands; a {@link
 * ScheduledThreadPoolExecutor} parks with nanosecond deadlines and is late by tens of
 * microseconds on Linux.
 */
public final class CompletionClock implements AutoCloseable {
  /** Work due sooner than this is delivered at once: the timer could not be more punctual. */
  private static final long IMMEDIATE_NANOS = 20_000;

  private final ScheduledThreadPoolExecutor executor;

  public CompletionClock() {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "emulated-cpu-clock");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(false);
  }

  /** Runs {@code delivery} at {@code dueNanos} ({@link System#nanoTime()} terms). */
  public void at(long dueNanos, long nowNanos, Runnable delivery) {
    long delay = dueNanos - nowNanos;
    if (delay < IMMEDIATE_NANOS) {
      delivery.run();
    } else {
      executor.schedule(delivery, delay, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
