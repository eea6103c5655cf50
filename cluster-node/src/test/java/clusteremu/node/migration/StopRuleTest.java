package clusteremu.node.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** QEMU's stop rule and auto-converge's throttle steps, against their definitions. */
class StopRuleTest {
  private static final long MS = 1_000_000;
  private final StopRule rule = new StopRule(300 * MS, 30);

  @Test
  void stopsOnceWhatIsLeftGoesWithinTheDowntimeLimitAtTheMeasuredBandwidth() {
    // 100 MB/s: 30 MB go in exactly 300 ms, one byte more does not.
    assertEquals(StopRule.Reason.CONVERGED, rule.decide(3, 10_000, 7_000, 30_000_000, 100e6, false));
    assertNull(rule.decide(3, 10_000, 7_000, 30_000_001, 100e6, false));
    assertEquals(300 * MS, StopRule.expectedDowntimeNanos(30_000_000, 100e6));
  }

  @Test
  void stopsAfterMaxRoundsOrWhenARoundMadeNoProgress() {
    assertEquals(StopRule.Reason.MAX_ROUNDS, rule.decide(29, 10_000, 7_000, 1L << 40, 100e6, false));
    assertEquals(StopRule.Reason.NO_PROGRESS, rule.decide(4, 10_000, 10_000, 1L << 40, 100e6, false));
    assertNull(rule.decide(0, 10_000, 10_000, 1L << 40, 100e6, false), "round 0 sends everything: no progress to judge yet");
    assertNull(rule.decide(4, 10_000, 10_000, 1L << 40, 100e6, true), "auto-converge may still slow the guest");
  }

  @Test
  void autoConvergeThrottlesAfterTwoRoundsDirtyingOverHalfWhatTheySentThenStepsUp() {
    AutoConverge throttle = new AutoConverge();
    assertEquals(0, throttle.afterRound(100, 50), "half is not over half");
    assertEquals(0, throttle.afterRound(100, 51), "the first high round");
    assertEquals(20, throttle.afterRound(100, 90), "the second: 20% first");
    assertEquals(20, throttle.afterRound(100, 90));
    assertEquals(30, throttle.afterRound(100, 90), "then 10% more each time");
    for (int i = 0; i < 40; i++) {
      throttle.afterRound(100, 90);
    }
    assertEquals(AutoConverge.MAX, throttle.throttlePercent());
    assertEquals(false, throttle.canRise());
  }
}
