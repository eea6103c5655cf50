package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.protocol.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeasuredWindowTest {
  private static final long S = 1_000_000_000L;
  /** Any start: the window must not care where nanoTime stands, even near its wrap. */
  private static final long START = Long.MAX_VALUE - 2 * S;

  @Test
  void countsWhatWasMeantForTheWindowAndWhatCompletedInIt() {
    // 1 s of warm-up, then 2 s measured.
    MeasuredWindow window = new MeasuredWindow(START, 10_000, Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertEquals(START + 3 * S, window.endNanos());
    assertTrue(window.inWarmup(START + S - 1));
    assertFalse(window.inWarmup(START + S));

    assertFalse(window.issued(START + S / 2), "meant for the warm-up");
    assertTrue(window.issued(START + S), "the window starts at the end of the warm-up");
    assertTrue(window.issued(START + 2 * S));
    window.answeredOk(START + S - 1, 900, false); // completed in the warm-up
    window.answeredOk(START + S + 1, 5_000, false); // meant for the warm-up, completed in the window
    window.answeredOk(START + 2 * S, 3_000, true);
    window.answeredOk(START + 3 * S, 7_000, true); // completed as the window closed: not in it

    Ledger ledger = new Ledger();
    for (long id = 0; id < 4; id++) {
      ledger.sent(id, new Ledger.Pending(START, START, "d", -1, id >= 2));
      ledger.answered(Reply.ok(id));
    }
    Summary summary = window.summary(ledger, 1, false, Map.of("loop", "open"));
    assertEquals(2.0, summary.measuredSeconds());
    assertEquals(2 / 2.0, summary.offeredRate(), "two issued in the window, over 2 s");
    assertEquals(2 / 2.0, summary.throughput(), "the ledger's two answers to requests meant for the window");
    assertEquals(2 / 2.0, summary.completedRate(), "two completed within the window");
    assertEquals(2, summary.latencyMicros().getTotalCount(), "latencies of the requests meant for the window only");
    assertEquals(7_000, summary.latencyMicros().getMaxValue(), 7_000 * 0.001);
    assertEquals(10_000 + 1_000, summary.measuredFromMillis());
    assertEquals(10_000 + 3_000, summary.measuredToMillis());
    assertEquals(4, summary.ok());
    assertEquals(1, summary.staleReads());
    assertEquals(Map.of("loop", "open"), summary.settings());
  }

  @Test
  void anEarlyStopEndsTheWindowThereAndALateOneDoesNot() {
    MeasuredWindow early = new MeasuredWindow(START, 0, Duration.ofSeconds(1), Duration.ofSeconds(2));
    early.stoppedIssuing(START + S + S / 2);
    early.answeredOk(START + S + S / 2, 1_000, true); // after the stop: not completed in the window
    Summary stopped = early.summary(new Ledger(), 0, true, Map.of());
    assertEquals(0.5, stopped.measuredSeconds());
    assertEquals(0, stopped.completedRate());
    assertEquals(1_500, stopped.measuredToMillis());

    MeasuredWindow late = new MeasuredWindow(START, 0, Duration.ofSeconds(1), Duration.ofSeconds(2));
    late.stoppedIssuing(START + 4 * S);
    assertEquals(2.0, late.summary(new Ledger(), 0, false, Map.of()).measuredSeconds(), "the load's end bounds the window");

    MeasuredWindow inWarmup = new MeasuredWindow(START, 0, Duration.ofSeconds(1), Duration.ofSeconds(2));
    inWarmup.stoppedIssuing(START + S / 2);
    Summary none = inWarmup.summary(new Ledger(), 0, true, Map.of());
    assertEquals(0, none.measuredSeconds(), "stopped in the warm-up: nothing measured");
    assertEquals(0, none.offeredRate());
  }
}
