package clusteremu.tiers.driver;

import clusteremu.tiers.time.TimeDilation;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * What the driver reports each second while it runs: the progress line, an interval of the
 * HdrHistogram log (latencies of the requests answered ok in that second), and, when asked for,
 * the {@link Driver.Second}: what became of the requests settled in that second, the difference
 * of the {@link Ledger}'s counts since the last tick, so that the seconds sum to the summary.
 * Seconds, rates and latencies are emulated; the time stamps are wall-clock epoch milliseconds.
 */
final class Progress {
  /** A last second shorter than this (emulated), with nothing settled in it, is not reported. */
  private static final java.time.Duration LAST_AT_LEAST = java.time.Duration.ofMillis(100);

  private final Driver.Output output;
  private final Ledger ledger;
  private final MeasuredWindow window;
  private final TimeDilation time;
  private final HistogramLogWriter histogramLog;
  private final Histogram interval = Summary.newLatencyHistogram();
  private long intervalStartMs;
  /** The ledger's counts at the last tick. */
  private long lastSent;
  private long lastOk;
  private long lastFailed;
  private long lastTimeouts;
  private long lastNotSent;
  private Map<String, Long> lastFailedByReason = Map.of();

  /** Starts the first interval now, and the histogram log with its header. */
  Progress(Driver.Output output, Ledger ledger, MeasuredWindow window) {
    this(output, ledger, window, TimeDilation.NONE);
  }

  Progress(Driver.Output output, Ledger ledger, MeasuredWindow window, TimeDilation time) {
    this.time = time;
    this.output = output;
    this.ledger = ledger;
    this.window = window;
    this.intervalStartMs = System.currentTimeMillis();
    this.histogramLog = output.histogramLog() == null ? null : new HistogramLogWriter(output.histogramLog());
    if (histogramLog != null) {
      histogramLog.outputLogFormatVersion();
      histogramLog.outputComment("clusteremu driver: latency of requests answered ok, in microseconds, from their intended send time; intervals of the warm-up are tagged 'warmup'");
      histogramLog.outputStartTime(intervalStartMs);
      histogramLog.setBaseTime(intervalStartMs);
      histogramLog.outputLegend();
    }
  }

  /** A request was answered ok, {@code micros} after it was meant to go. */
  void answeredOk(long micros) {
    interval.recordValue(micros);
  }

  /**
   * The second is up: reports it and starts the next.
   *
   * @param held due requests the driver holds back at its in-flight limit, shown as not sent
   */
  void tick(int held) {
    long nowMs = System.currentTimeMillis();
    double seconds = time.emulatedNanos(Math.max(1, nowMs - intervalStartMs) * 1e6) / 1e9;
    long elapsed = (time.nanoTime() - window.startNanos()) / 1_000_000_000L;
    output
        .progress()
        .accept(
            String.format(
                "[%4ds] sent %d  ok %d  failed %d  timed out %d  not sent %d  in flight %d | %.0f req/s ok | p50 %.2f ms  p99 %.2f ms",
                elapsed,
                ledger.sent(),
                ledger.ok(),
                ledger.failed(),
                ledger.timeouts(),
                ledger.notSent() + held,
                ledger.inFlight(),
                (ledger.ok() - lastOk) / seconds,
                interval.getValueAtPercentile(50) / 1000.0,
                interval.getValueAtPercentile(99) / 1000.0));
    if (histogramLog != null) {
      interval.setStartTimeStamp(intervalStartMs);
      interval.setEndTimeStamp(nowMs);
      interval.setTag(window.inWarmup(time.nanoTime()) ? "warmup" : null);
      histogramLog.outputIntervalHistogram(interval);
    }
    interval.reset();
    intervalStartMs = nowMs;
    if (output.seconds() != null) {
      output.seconds().accept(second(nowMs));
    }
    lastSent = ledger.sent();
    lastOk = ledger.ok();
    lastFailed = ledger.failed();
    lastTimeouts = ledger.timeouts();
    lastNotSent = ledger.notSent();
    lastFailedByReason = Map.copyOf(ledger.failedByReason());
  }

  /** Everything is settled: reports the last, partial second unless it is empty and under 100 ms. */
  void last(int held) {
    boolean settledSinceTick =
        ledger.sent() != lastSent || ledger.ok() != lastOk || ledger.failed() != lastFailed
            || ledger.timeouts() != lastTimeouts || ledger.notSent() != lastNotSent;
    if (System.currentTimeMillis() - intervalStartMs >= time.real(LAST_AT_LEAST).toMillis() || settledSinceTick) {
      tick(held);
    }
  }

  private Driver.Second second(long nowMs) {
    Map<String, Long> failedByReason = new TreeMap<>();
    ledger.failedByReason().forEach(
        (reason, count) -> {
          long delta = count - lastFailedByReason.getOrDefault(reason, 0L);
          if (delta > 0) {
            failedByReason.put(reason, delta);
          }
        });
    return new Driver.Second(
        nowMs,
        ledger.sent() - lastSent,
        ledger.ok() - lastOk,
        ledger.failed() - lastFailed,
        failedByReason,
        ledger.timeouts() - lastTimeouts,
        ledger.notSent() - lastNotSent,
        window.inWarmup(time.nanoTime()));
  }
}
