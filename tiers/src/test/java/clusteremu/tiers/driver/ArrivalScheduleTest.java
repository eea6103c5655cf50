package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

  @Test
  void constantArrivalsAreEvenlySpaced() {
    ArrivalSchedule schedule = new ArrivalSchedule(1000, LoadSettings.Arrivals.CONSTANT, 0, 1);
    assertEquals(0, schedule.next());
    assertEquals(1_000_000, schedule.next());
    assertEquals(2_000_000, schedule.next());
  }

  @Test
  void poissonArrivalsKeepTheRateWithExponentialGaps() {
    ArrivalSchedule schedule = new ArrivalSchedule(1000, LoadSettings.Arrivals.POISSON, 0, 1);
    int n = 100_000;
    long previous = schedule.next();
    long shortGaps = 0;
    long last = previous;
    for (int i = 0; i < n; i++) {
      last = schedule.next();
      // For exponential gaps of mean 1 ms, P(gap < 1 ms) = 1 - 1/e = 0.632.
      if (last - previous < 1_000_000) {
        shortGaps++;
      }
      previous = last;
    }
    assertEquals(n * 1_000_000.0, last, n * 1_000_000.0 * 0.01, "mean gap 1 ms within 1%");
    assertEquals(0.632, shortGaps / (double) n, 0.01);
  }
}
