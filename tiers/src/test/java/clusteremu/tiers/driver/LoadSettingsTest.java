package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadSettingsTest {
  private static final LoadSettings OPEN =
      new LoadSettings(250, LoadSettings.Arrivals.POISSON, 0, Duration.ZERO, Duration.ofMillis(1500), Duration.ofSeconds(2),
          Duration.ofMillis(300), 0.9, 100, 7, 1000, 2, Mode.HANDOFF, PolicyName.RANDOM);
  private static final LoadSettings CLOSED =
      new LoadSettings(0, LoadSettings.Arrivals.CONSTANT, 8, Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ZERO,
          Duration.ofSeconds(5), 0.5, 10, 42, 64, 0, null, null);

  @Test
  void theSettingsOfTheSummaryNameTheLoopTheyRanAndTheDispatchersUsed() {
    Map<String, Object> open = OPEN.toJson(3);
    assertEquals(
        List.of("loop", "rate", "arrivals", "duration_s", "warmup_s", "timeout_ms", "read_ratio", "keys", "seed", "max_in_flight",
            "dispatchers", "dispatchers_used", "mode", "policy"),
        List.copyOf(open.keySet()), "the documented order");
    assertEquals("open", open.get("loop"));
    assertEquals(250.0, open.get("rate"));
    assertEquals("poisson", open.get("arrivals"));
    assertEquals(1.5, open.get("duration_s"));
    assertEquals(2.0, open.get("warmup_s"));
    assertEquals(300L, open.get("timeout_ms"));
    assertEquals(3, open.get("dispatchers"));
    assertEquals(2, open.get("dispatchers_used"));
    assertEquals("handoff", open.get("mode"));
    assertEquals("random", open.get("policy"));

    Map<String, Object> closed = CLOSED.toJson(3);
    assertEquals(
        List.of("loop", "users", "think_time_ms", "duration_s", "warmup_s", "timeout_ms", "read_ratio", "keys", "seed", "max_in_flight",
            "dispatchers", "dispatchers_used"),
        List.copyOf(closed.keySet()), "no rate, and no mode or policy when the dispatchers keep theirs");
    assertEquals(8, closed.get("users"));
    assertEquals(50L, closed.get("think_time_ms"));
    assertEquals(3, closed.get("dispatchers_used"), "0 means all of them");
  }

  @Test
  void theLoadGoesToTheFirstDispatchersAskedForOrToAllOfThem() {
    assertEquals(2, OPEN.dispatchersUsed(3));
    assertEquals(1, OPEN.dispatchersUsed(1), "no more than there are");
    assertEquals(0, OPEN.dispatchersUsed(0));
    assertEquals(5, CLOSED.dispatchersUsed(5));
  }

  @Test
  void theFirstLineSaysWhatLoadGoesOverHowManyDispatchers() {
    assertEquals("open loop at 250 req/s (poisson arrivals) for 1.5 s after 2 s warm-up, over 2 of 3 dispatcher(s)", OPEN.describe(3));
    assertEquals("closed loop with 8 users, think time 50 ms for 10 s after 0 s warm-up, over 1 of 1 dispatcher(s)", CLOSED.describe(1));
  }
}
