package clusteremu.node.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.tiers.dispatcher.Mode;
import org.junit.jupiter.api.Test;

/** Pollaczek-Khinchine for the dispatcher, against values worked out by hand. */
class DispatcherQueueTest {
  private final DispatcherQueue fiveAndFive = new DispatcherQueue(0.005, 0.005, 1);

  @Test
  void handoffIsAnMD1QueueOfRequests() {
    // lambda 100/s, d 5 ms: rho 0.5, Wq = 100 * 25e-6 / (2 * 0.5) = 2.5 ms.
    assertEquals(0.0025, fiveAndFive.meanWaitSeconds(Mode.HANDOFF, 100), 1e-12);
  }

  @Test
  void proxyWaitsTwiceInAQueueOfRequestsAndReplies() {
    // lambda 80/s, jobs of 5 ms twice: rho 0.8, Wq per job = 80 * (25e-6 + 25e-6) / (2 * 0.2) = 10 ms; two jobs.
    assertEquals(0.020, fiveAndFive.meanWaitSeconds(Mode.PROXY, 80), 1e-12);
  }

  @Test
  void moreDispatchersShareTheLoad() {
    assertEquals(
        fiveAndFive.meanWaitSeconds(Mode.HANDOFF, 100),
        new DispatcherQueue(0.005, 0.005, 2).meanWaitSeconds(Mode.HANDOFF, 200),
        1e-12);
  }

  @Test
  void noFiniteWaitAtOrPastSaturation() {
    assertEquals(Double.POSITIVE_INFINITY, fiveAndFive.meanWaitSeconds(Mode.PROXY, 100));
    assertEquals(Double.POSITIVE_INFINITY, fiveAndFive.meanWaitSeconds(Mode.HANDOFF, 250));
  }
}
