package clusteremu.node.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostSampleTest {
  private static final boolean[] ALL_FOUR = {true, true, true, true};

  @Test
  void noLimitWritesEveryHostEveryInterval() {
    HostSample sample = new HostSample(0);
    for (int interval = 0; interval < 3; interval++) {
      assertArrayEquals(ALL_FOUR, sample.take(new int[] {11, 11, 11, 11}));
    }
    assertFalse(sample.sampling(1_000_000));
  }

  @Test
  void aNodeWithinTheLimitWritesEveryHostEveryInterval() {
    HostSample sample = new HostSample(44);
    assertArrayEquals(ALL_FOUR, sample.take(new int[] {11, 11, 11, 11}));
    assertArrayEquals(ALL_FOUR, sample.take(new int[] {11, 11, 11, 11}));
    assertFalse(sample.sampling(44));
  }

  @Test
  void pastTheLimitTheWindowMovesOnAndWrapsSoEveryHostIsWrittenInTurn() {
    HostSample sample = new HostSample(25); // two hosts of 11 lines fit, a third does not
    int[] lines = {11, 11, 11, 11, 11};
    assertArrayEquals(new boolean[] {true, true, false, false, false}, sample.take(lines));
    assertArrayEquals(new boolean[] {false, false, true, true, false}, sample.take(lines));
    assertArrayEquals(new boolean[] {true, false, false, false, true}, sample.take(lines));
    assertArrayEquals(new boolean[] {false, true, true, false, false}, sample.take(lines));
    assertTrue(sample.sampling(55));
  }

  @Test
  void everyHostIsWrittenOnceInEveryRoundOfIntervalsAndNoneIsSplit() {
    HostSample sample = new HostSample(1000);
    int[] lines = new int[2500]; // a node of the scale benchmark: 2,500 hosts of ten VMs
    java.util.Arrays.fill(lines, 11);
    int[] written = new int[lines.length];
    int intervals = (2500 * 11 + 999) / 1000 + 1; // at most 90 hosts (990 lines) a window: 28 windows cover the node
    for (int interval = 0; interval < intervals; interval++) {
      boolean[] chosen = sample.take(lines);
      int taken = 0;
      for (int h = 0; h < lines.length; h++) {
        if (chosen[h]) {
          written[h]++;
          taken += lines[h];
        }
      }
      assertTrue(taken <= 1000, "interval " + interval + " wrote " + taken + " lines");
    }
    for (int h = 0; h < lines.length; h++) {
      assertTrue(written[h] >= 1, "host " + h + " never written");
    }
  }

  @Test
  void aHostWithMoreLinesThanTheLimitIsStillWrittenAlone() {
    HostSample sample = new HostSample(5);
    assertArrayEquals(new boolean[] {true, false}, sample.take(new int[] {8, 3}));
    assertArrayEquals(new boolean[] {false, true}, sample.take(new int[] {8, 3}));
    assertArrayEquals(new boolean[] {true, false}, sample.take(new int[] {8, 3}));
  }

  @Test
  void aNegativeLimitIsRefused() {
    assertEquals("limit must be 0 (none) or more, got -1", assertThrows(IllegalArgumentException.class, () -> new HostSample(-1)).getMessage());
  }
}
