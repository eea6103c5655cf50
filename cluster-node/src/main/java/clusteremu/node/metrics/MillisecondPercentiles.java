package clusteremu.node.metrics;

import java.util.Map;
import org.HdrHistogram.Histogram;

/** Percentiles of an interval's histogram of microseconds, as metrics fields in milliseconds. */
public final class MillisecondPercentiles {
  private MillisecondPercentiles() {}

  /** Puts {@code <name>_p50_ms} and {@code <name>_p99_ms}, both 0 for an empty interval. */
  public static void put(Map<String, Object> line, String name, Histogram micros) {
    boolean any = micros.getTotalCount() > 0;
    line.put(name + "_p50_ms", any ? millis(micros.getValueAtPercentile(50)) : 0.0);
    line.put(name + "_p99_ms", any ? millis(micros.getValueAtPercentile(99)) : 0.0);
  }

  /** Whole microseconds give milliseconds to three decimals, as the other fields are rounded. */
  private static double millis(long micros) {
    return micros / 1000.0;
  }
}
