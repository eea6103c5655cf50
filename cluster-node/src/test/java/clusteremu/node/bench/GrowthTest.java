package clusteremu.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrowthTest {
  private static final double EXACT = 1e-12;

  @Test
  void aSeriesThatGrowsElevenPercentFailsAndItsFiguresAreExact() {
    Growth.Verdict verdict = Growth.eachValue(List.of(100.0, 103.0, 111.0, 105.0));
    assertTrue(verdict.available());
    assertTrue(verdict.grew());
    assertEquals(Growth.Basis.EACH_VALUE, verdict.basis());
    assertEquals(100.0, verdict.first());
    assertEquals(105.0, verdict.last());
    assertEquals(111.0, verdict.end());
    assertEquals(0.11, verdict.largestGrowth(), EXACT);
    assertEquals(0.11, verdict.growth(), EXACT);
  }

  @Test
  void aSeriesThatGrowsNinePercentPasses() {
    Growth.Verdict verdict = Growth.eachValue(List.of(100.0, 104.0, 109.0, 102.0));
    assertFalse(verdict.grew());
    assertEquals(0.09, verdict.largestGrowth(), EXACT);
    assertEquals(102.0, verdict.last());
  }

  @Test
  void exactlyTenPercentIsNotPastTheLimit() {
    assertFalse(Growth.eachValue(List.of(100.0, 110.0)).grew());
    assertFalse(Growth.eachValue(List.of(40.0, 44.0)).grew());
    assertTrue(Growth.eachValue(List.of(40.0, 45.0)).grew());
  }

  @Test
  void aSeriesThatOnlyFallsHasNotGrown() {
    Growth.Verdict verdict = Growth.eachValue(List.of(100.0, 90.0, 80.0));
    assertFalse(verdict.grew());
    assertEquals(0.0, verdict.largestGrowth());
    assertEquals(80.0, verdict.last());
  }

  @Test
  void mediansJudgeTheLastThreeAgainstTheFirstThreeWhateverSingleMinutesDo() {
    // First three: median 100 (the 250 is one noisy minute); last three: median 111.
    Growth.Verdict grew = Growth.medians(List.of(100.0, 250.0, 90.0, 104.0, 111.0, 40.0, 300.0), 3);
    assertEquals(Growth.Basis.MEDIANS, grew.basis());
    assertEquals(100.0, grew.baseline());
    assertEquals(111.0, grew.end());
    assertEquals(0.11, grew.growth(), EXACT);
    assertTrue(grew.grew());
    assertEquals(2.0, grew.largestGrowth(), EXACT); // 300 against the first value, 100: reported, not judged
    assertEquals(100.0, grew.first());
    assertEquals(300.0, grew.last());

    // A spike of 400% in the last minutes, but their median is 109: 9%, passes.
    Growth.Verdict passed = Growth.medians(List.of(100.0, 250.0, 90.0, 104.0, 109.0, 500.0, 20.0), 3);
    assertEquals(109.0, passed.end());
    assertEquals(0.09, passed.growth(), EXACT);
    assertFalse(passed.grew());
    assertEquals(4.0, passed.largestGrowth(), EXACT);
  }

  @Test
  void shortSeriesOverlapTheirWindows() {
    // Four values: the first three (100, 120, 80) and the last three (120, 80, 130) share two.
    Growth.Verdict four = Growth.medians(List.of(100.0, 120.0, 80.0, 130.0), 3);
    assertEquals(100.0, four.baseline());
    assertEquals(120.0, four.end());
    assertEquals(0.2, four.growth(), EXACT);
    assertTrue(four.grew());
    // Two values: both windows are the whole series, so nothing can grow.
    Growth.Verdict two = Growth.medians(List.of(100.0, 200.0), 3);
    assertEquals(150.0, two.baseline());
    assertEquals(150.0, two.end());
    assertEquals(0.0, two.growth());
    assertFalse(two.grew());
  }

  @Test
  void medianOfAnOddCountIsTheMiddleAndOfAnEvenCountTheMeanOfTheTwoMiddle() {
    assertEquals(3.0, Growth.median(List.of(5.0, 1.0, 3.0)));
    assertEquals(2.5, Growth.median(List.of(4.0, 1.0, 3.0, 2.0)));
    assertEquals(7.0, Growth.median(List.of(7.0)));
    assertThrows(IllegalArgumentException.class, () -> Growth.median(List.of()));
  }

  @Test
  void anUnavailableSeriesIsNotJudgedAndPasses() {
    Growth.Verdict openFiles = Growth.eachValue(List.of(-1.0, -1.0, -1.0));
    assertFalse(openFiles.available());
    assertFalse(openFiles.grew());
    assertFalse(Growth.medians(List.of(), 3).available());
    assertFalse(Growth.medians(List.of(), 3).grew());
  }

  @Test
  void growthFromZero() {
    assertEquals(0.0, Growth.growth(0, 0));
    assertEquals(Double.POSITIVE_INFINITY, Growth.growth(0, 0.5));
    assertTrue(Growth.eachValue(List.of(0.0, 0.5)).grew());
    assertEquals(-0.5, Growth.growth(10, 5), EXACT);
  }
}
