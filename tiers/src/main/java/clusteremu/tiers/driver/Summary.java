package clusteremu.tiers.driver;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a driver run adds up to, written as {@code summary.json}. Counts cover the whole run,
 * warm-up included, so that {@code sent == ok + failed + timeouts}; rates and latencies cover
 * only the measured window after the warm-up. Latencies are of requests answered ok, counted from
 * their intended send time. An interrupted run ({@code interrupted}) fails what was still in flight
 * after a short grace with reason {@code interrupted}, and its rates cover the time it ran. Rates,
 * seconds and latencies are emulated (see {@code timeDilation}); the window's ends are wall-clock
 * epoch milliseconds.
 */
public record Summary(
    long sent,
    long ok,
    long failed,
    Map<String, Long> failedByReason,
    long timeouts,
    long notSent,
    Map<String, Long> notSentByReason,
    long lateReplies,
    long staleReads,
    double offeredRate,
    double throughput,
    double completedRate,
    Histogram latencyMicros,
    double measuredSeconds,
    boolean interrupted,
    long measuredFromMillis,
    long measuredToMillis,
    double timeDilation,
    Map<String, Object> settings) {

  public boolean balanced() {
    return sent == ok + failed + timeouts;
  }

  /** The figures in the order and under the names of the documented {@code summary.json}. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("sent", sent);
    json.put("ok", ok);
    json.put("failed", failed);
    json.put("failed_by_reason", failedByReason);
    json.put("timeouts", timeouts);
    json.put("not_sent", notSent);
    json.put("not_sent_by_reason", notSentByReason);
    json.put("late_replies", lateReplies);
    json.put("stale_reads", staleReads);
    json.put("offered_rate", round(offeredRate));
    json.put("throughput", round(throughput));
    json.put("completed_rate", round(completedRate));
    json.put("measured_seconds", round(measuredSeconds));
    json.put("interrupted", interrupted);
    json.put("time_dilation", timeDilation);
    // The measured window in epoch ms, to line the run up with the nodes' metrics logs.
    json.put("measured_from", measuredFromMillis);
    json.put("measured_to", measuredToMillis);
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("count", latencyMicros.getTotalCount());
    latency.put("mean", millis(latencyMicros.getMean()));
    latency.put("p50", millis(latencyMicros.getValueAtPercentile(50)));
    latency.put("p90", millis(latencyMicros.getValueAtPercentile(90)));
    latency.put("p99", millis(latencyMicros.getValueAtPercentile(99)));
    latency.put("p999", millis(latencyMicros.getValueAtPercentile(99.9)));
    latency.put("max", millis(latencyMicros.getMaxValue()));
    json.put("latency_ms", latency);
    json.put("settings", settings);
    return json;
  }

  /** A histogram of latencies as the summary holds them: microseconds, up to an hour, three significant digits. */
  static Histogram newLatencyHistogram() {
    return new Histogram(3_600_000_000L, 3);
  }

  static double millis(double micros) {
    return round(micros / 1000.0);
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
