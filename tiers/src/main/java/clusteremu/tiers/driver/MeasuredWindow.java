package clusteremu.tiers.driver;

import clusteremu.tiers.time.TimeDilation;
import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A run's clock and its measured window: the window runs from the end of the warm-up to the end
 * of the load, or to when issuing stopped if that came first (an interrupt). It counts what was
 * offered in the window and what completed in it, and keeps the latencies of the requests meant
 * for it: the rates and latencies of the {@link Summary}. Times are emulated instants ({@link
 * TimeDilation#nanoTime()}); the window's ends are given as real epoch milliseconds (wall clock).
 */
final class MeasuredWindow {
  private final TimeDilation time;
  private final long startNanos;
  private final long startMillis;
  private final long warmupEndNanos;
  private final long endNanos;
  private long windowEndNanos;
  private long issued;
  /**
   * Replies ok that arrived during the window, whenever their requests were meant to go: what the
   * cluster completed then. Under overload it differs from the throughput, which counts the
   * replies to requests meant for the window, while the window's capacity also serves requests
   * held back from before it.
   */
  private long okReceived;
  private final Histogram latencies = Summary.newLatencyHistogram();

  /** A window in real time, from {@code startNanos} ({@link System#nanoTime()}). */
  MeasuredWindow(long startNanos, long startMillis, Duration warmup, Duration duration) {
    this(TimeDilation.NONE, startNanos, startMillis, warmup, duration);
  }

  /** A window that starts now, in {@code time}; {@code warmup} and {@code duration} are emulated. */
  MeasuredWindow(TimeDilation time, long startMillis, Duration warmup, Duration duration) {
    this(time, time.nanoTime(), startMillis, warmup, duration);
  }

  MeasuredWindow(TimeDilation time, long startNanos, long startMillis, Duration warmup, Duration duration) {
    this.time = time;
    this.startNanos = startNanos;
    this.startMillis = startMillis;
    this.warmupEndNanos = startNanos + warmup.toNanos();
    this.endNanos = warmupEndNanos + duration.toNanos();
    this.windowEndNanos = endNanos;
  }

  long startNanos() {
    return startNanos;
  }

  /** When the load is over: no request is meant to go at or after it. */
  long endNanos() {
    return endNanos;
  }

  boolean inWarmup(long nanos) {
    return nanos - warmupEndNanos < 0;
  }

  /** Counts a request meant to go at {@code intendedNanos}; true when it was meant for the window. */
  boolean issued(long intendedNanos) {
    boolean measured = !inWarmup(intendedNanos);
    if (measured) {
      issued++;
    }
    return measured;
  }

  /** A reply ok arrived at {@code nowNanos}, {@code micros} after its request was meant to go. */
  void answeredOk(long nowNanos, long micros, boolean measured) {
    if (!inWarmup(nowNanos) && nowNanos - windowEndNanos < 0) {
      okReceived++;
    }
    if (measured) {
      latencies.recordValue(micros);
    }
  }

  /** Issuing stopped at {@code nanos}: the window ends there if the load was not over yet. */
  void stoppedIssuing(long nanos) {
    windowEndNanos = nanos - endNanos < 0 ? nanos : endNanos;
  }

  /** The run's summary, with the counts of {@code ledger} and the rates over the window. */
  Summary summary(Ledger ledger, long staleReads, boolean interrupted, Map<String, Object> settings) {
    double seconds = Math.max(0, windowEndNanos - warmupEndNanos) / 1e9;
    return new Summary(
        ledger.sent(),
        ledger.ok(),
        ledger.failed(),
        Map.copyOf(ledger.failedByReason()),
        ledger.timeouts(),
        ledger.notSent(),
        Map.copyOf(ledger.notSentByReason()),
        ledger.lateReplies(),
        staleReads,
        seconds > 0 ? issued / seconds : 0,
        seconds > 0 ? ledger.okMeasured() / seconds : 0,
        seconds > 0 ? okReceived / seconds : 0,
        latencies.copy(),
        seconds,
        interrupted,
        startMillis + time.realNanos(warmupEndNanos - startNanos) / 1_000_000,
        startMillis + time.realNanos(windowEndNanos - startNanos) / 1_000_000,
        time.factor(),
        settings);
  }
}
