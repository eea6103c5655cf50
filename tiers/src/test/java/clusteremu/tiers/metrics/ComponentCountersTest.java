package clusteremu.tiers.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ComponentCountersTest {
  @Test
  void roundTripPercentilesCoverOneIntervalAndIgnoreAnOutlier() {
    ComponentCounters counters = new ComponentCounters();
    for (int i = 0; i < 9; i++) {
      counters.callAnswered(2_000_000); // 2 ms
    }
    counters.callAnswered(200_000_000); // one call that met a pause: 200 ms
    Histogram interval = counters.callRoundTripsSinceLast();
    assertEquals(10, interval.getTotalCount());
    assertEquals(2000, interval.getValueAtPercentile(50), 2, "median in microseconds");
    assertEquals(21.8, counters.callNanosTotal() / 1e6 / counters.callsAnsweredCount(), 1e-9, "the mean moves tenfold");
    assertEquals(0, counters.callRoundTripsSinceLast().getTotalCount(), "the next interval starts empty");
    assertEquals(10, counters.callsAnsweredCount(), "the totals stay cumulative");
  }
}
