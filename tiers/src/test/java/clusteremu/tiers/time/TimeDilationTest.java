package clusteremu.tiers.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimeDilationTest {

  @Test
  void anEmulatedSpanTakesFactorTimesLongerInRealTime() {
    TimeDilation ten = new TimeDilation(10);
    assertEquals(80_000_000L, ten.realNanos(8_000_000L));
    assertEquals(Duration.ofSeconds(300), ten.real(Duration.ofSeconds(30)));
    assertEquals(1_000_000.0, ten.emulatedNanos(10_000_000.0));
    assertEquals(3_750_000L, new TimeDilation(2.5).realNanos(1_500_000L));
  }

  @Test
  void realTimeChangesNothing() {
    assertFalse(TimeDilation.NONE.dilated());
    assertEquals(123_456_789L, TimeDilation.NONE.realNanos(123_456_789L));
    assertEquals(Duration.ofMillis(1500), TimeDilation.NONE.real(Duration.ofMillis(1500)));
    long before = System.nanoTime();
    long now = TimeDilation.NONE.nanoTime();
    assertTrue(now - before >= 0 && now - System.nanoTime() <= 0, "real time is System.nanoTime()");
  }

  @Test
  void theEmulatedClockRunsFactorTimesSlowerAndTwoClocksOfOneFactorAgree() {
    TimeDilation ten = new TimeDilation(10);
    long realBefore = System.nanoTime();
    long emulatedBefore = ten.nanoTime();
    long otherClock = new TimeDilation(10).nanoTime();
    long realAfter = System.nanoTime();
    long emulatedAfter = ten.nanoTime();
    // The emulated instant is the real one over ten, from any clock of that factor.
    assertTrue(emulatedBefore >= realBefore / 10 && emulatedBefore <= realAfter / 10);
    assertTrue(otherClock >= emulatedBefore && otherClock <= emulatedAfter);
    assertTrue((emulatedAfter - emulatedBefore) * 10 <= realAfter - realBefore + 10);
    assertEquals(new TimeDilation(10), ten);
  }

  @Test
  void refusesAFactorOutsideOneToAThousandOrNotANumber() {
    assertEquals(1000.0, new TimeDilation(1000).factor());
    for (double bad : new double[] {0.5, 0, -1, 1000.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TimeDilation(bad));
      assertTrue(e.getMessage().contains("from 1 (real time) to 1000"), e.getMessage());
    }
  }
}
