package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A datacenter ten times faster than the default scenario (every demand a tenth: the dispatcher's
 * 0.08 ms per request and per relayed reply saturates at 6,250 req/s in proxy mode) at
 * time-dilation = 10, offered 5,000 emulated req/s (0.8x), 500 real req/s. In real time the node
 * JVMs carry that rate but not its latencies: their own cost, about 2.5 real ms per request, is
 * six times the model's mean; dilated, it is a tenth of that. Through scripts/experiment.
 */
class TimeDilationIT {
  @TempDir Path dir;

  /**
   * The mean the queueing network predicts at 5,000 req/s, in ms, leaving out the emulator's own
   * cost: the dispatcher is M/D/1 with two jobs per request in proxy mode (Pollaczek-Khinchine:
   * each waits lambda (d_req^2 + d_rep^2) / (2 (1 - rho)) = 0.16 ms, rho = 0.8), then served
   * 0.16 ms; each app server M/M/2 (2,500 req/s of 0.2 ms exponential demand: 0.213 ms with Erlang
   * C); the data server M/M/1 (0.05 ms / (1 - 0.25) = 0.067 ms).
   */
  static final double MODEL_MEAN_MS = 2 * 0.16 + 0.16 + 0.2133 + 0.0667;

  /**
   * What the emulator's own cost may add, in emulated ms: three round trips between node JVMs of
   * about 3 real ms each on this machine at light load (README, "Limits"), over k = 10, and that
   * twice over, for JVMs warmed up for 20 real seconds only (measured: 0.44 ms over the model after
   * 30 s of warm-up, 0.97 ms after 10 s). A driver that reported real time would be ten times the
   * model; one whose demands did not stretch, far below it.
   */
  static final double REAL_FLOOR_OVER_K_MS = 2 * 0.9;

  @Test
  void aDatacenterTenTimesFasterThanTheMachineCarriesItsLoadAtTimeDilationTen() throws Exception {
    Scripts scripts = new Scripts(dir.resolve("runs"));
    Path experiment =
        Scripts.experimentOnDefaultScenario(
            dir,
            "dilated.conf",
            "overrides {",
            "  time-dilation = 10",
            "  dispatcher { request-demand = 0.08ms, reply-demand = 0.08ms }",
            "  app-server.demand.mean = 0.2ms",
            "  data-server.demand.mean = 0.05ms",
            "}",
            "cluster-warmup = 20s",
            "load { arrivals = poisson, warmup = 0.5s, duration = 2s, timeout = 2s }",
            "phases = [ { name = proxy-5000, mode = proxy, rate = 5000 } ]");
    try {
      Scripts.Result result = scripts.run(Duration.ofMinutes(4), "experiment", experiment.toString());
      assertEquals(0, result.exitCode(), result.output());
      assertTrue(result.output().contains("in emulated time: time dilation 10"), result.output());
      Path run = dir.resolve("runs/latest").toRealPath();
      JsonNode summary = new ObjectMapper().readTree(run.resolve("phases/01-proxy-5000/summary.json").toFile());
      String context = summary.toPrettyString() + "\n" + result.output();
      assertEquals(10.0, summary.get("time_dilation").asDouble(), context);
      assertEquals(summary.get("sent").asLong(), summary.get("ok").asLong(), "every request answered ok\n" + context);
      assertEquals(5000, summary.get("offered_rate").asDouble(), 5000 * 0.05, "the seeded Poisson load offers its emulated rate\n" + context);
      assertEquals(summary.get("offered_rate").asDouble(), summary.get("completed_rate").asDouble(), summary.get("offered_rate").asDouble() * 0.05,
          "completes within 5% of what it offered\n" + context);
      assertEquals(2.0, summary.get("measured_seconds").asDouble(), 0.01, context);
      // Each emulated second's outcomes are stamped with the wall clock when it ended: ten real
      // seconds apart (a timer fires no sooner than asked).
      List<String> seconds = Files.readAllLines(run.resolve("phases/01-proxy-5000/outcomes.jsonl"));
      assertTrue(seconds.size() >= 3, "a line per emulated second of 2.5: " + seconds);
      ObjectMapper json = new ObjectMapper();
      long apart = json.readTree(seconds.get(1)).get("ts").asLong() - json.readTree(seconds.get(0)).get("ts").asLong();
      assertTrue(apart >= 9_500, "an emulated second took " + apart + " real ms\n" + context);
      // A stall of the machine only adds to latencies: the mean is bounded from below (the
      // demands stretched as they should), the median from above (one stall of a third of a real
      // second moved a mean at this load from 1.2 to 3.4 ms, and its median not at all).
      double mean = summary.get("latency_ms").get("mean").asDouble();
      double median = summary.get("latency_ms").get("p50").asDouble();
      assertTrue(mean >= 0.9 * MODEL_MEAN_MS, "mean " + mean + " ms, below the model's " + MODEL_MEAN_MS + " ms\n" + context);
      assertTrue(median <= MODEL_MEAN_MS + REAL_FLOOR_OVER_K_MS,
          "median " + median + " ms: above the model's mean " + MODEL_MEAN_MS + " ms plus twice the real floor over k\n" + context);
      assertEquals(List.of(), scripts.livePids(), "the experiment stops its cluster");
    } finally {
      scripts.killLeftovers();
    }
  }
}
