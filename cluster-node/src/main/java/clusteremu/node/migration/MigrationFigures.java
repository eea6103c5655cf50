package clusteremu.node.migration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What one migration measured, as QEMU's migration-stats counts it; each field is what a line of
 * {@code migrations.jsonl} carries (README, "Migration"). Written by the copy on the loop thread;
 * progress queries read it meanwhile (each field on its own may be a moment old).
 */
public final class MigrationFigures {
  /** One pre-copy round. */
  public record Round(int round, long pages, long bytes, long durationNanos, double bytesPerSecond, long dirtyAfter, long expectedDowntimeNanos, int throttlePercent) {
    public Map<String, Object> line() {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("round", round);
      line.put("pages", pages);
      line.put("bytes", bytes);
      line.put("duration_ms", millis(durationNanos));
      line.put("bandwidth_mib_per_s", Math.round(bytesPerSecond / (1 << 20) * 100) / 100.0);
      line.put("dirty_after", dirtyAfter);
      line.put("expected_downtime_ms", millis(expectedDowntimeNanos));
      line.put("throttle_percent", throttlePercent);
      return line;
    }
  }

  public String status = "setup";
  public String stopReason = "";
  public long startNanos;
  public long setupNanos;
  public long totalNanos;
  public long downtimeNanos;
  public long bytes;
  public long pages;
  public double dirtyRatePagesPerSecond;
  public long expectedDowntimeNanos;
  /** Pages still to send in the round under way (or the final copy). */
  public long remainingInRound;
  public long postcopyFaults;
  /** Post-copy: pages the source sent on demand (the rest were pushed). */
  public long pagesOnDemand;
  public long postcopyFaultWaitNanos;
  public Boolean verified;
  public int throttlePercent;
  /** Appended by the copy, read by progress queries from other threads. */
  public final List<Round> rounds = new CopyOnWriteArrayList<>();

  static double millis(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }

  /** The fields of a {@code migrations.jsonl} line that the copy knows (the caller adds vm, from, to). */
  public Map<String, Object> line(Strategy strategy) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("strategy", strategy.configName());
    line.put("status", status);
    line.put("stop_reason", stopReason);
    line.put("total_ms", millis(totalNanos));
    line.put("downtime_ms", millis(downtimeNanos));
    line.put("setup_ms", millis(setupNanos));
    line.put("bytes", bytes);
    line.put("pages", pages);
    line.put("rounds", rounds.size());
    line.put("dirty_rate_pages_per_s", Math.round(dirtyRatePagesPerSecond));
    line.put("expected_downtime_ms", millis(expectedDowntimeNanos));
    line.put("postcopy_faults", postcopyFaults);
    line.put("postcopy_fault_wait_ms", millis(postcopyFaultWaitNanos));
    line.put("postcopy_pages_on_demand", pagesOnDemand);
    line.put("throttle_percent", throttlePercent);
    line.put("verified", verified);
    return line;
  }
}
