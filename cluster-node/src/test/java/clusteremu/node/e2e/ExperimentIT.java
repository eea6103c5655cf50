package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * A small dispatcher-bottleneck experiment through scripts/experiment: each mode offered 1.5x its
 * predicted capacity. The dispatcher (5 ms per request, 5 ms per relayed reply) must saturate
 * within 10% of the model: 100 req/s in proxy mode, 200 in handoff mode; the report must be
 * written, and the cluster stopped.
 */
class ExperimentIT {
  @TempDir Path dir;

  @Test
  void measuredSaturationAgreesWithTheModelInBothModes() throws Exception {
    Scripts scripts = new Scripts(dir.resolve("runs"));
    Path experiment =
        Scripts.experimentOnDefaultScenario(
            dir,
            "bottleneck.conf",
            "overrides { dispatcher { request-demand = 5ms, reply-demand = 5ms, queue-capacity = 100 } }",
            "cluster-warmup = 5s",
            "load { warmup = 4s, duration = 8s, timeout = 3s }",
            "phases = [",
            "  { name = proxy-150, mode = proxy, rate = 150 }",
            "  { name = handoff-300, mode = handoff, rate = 300 }",
            "]");
    try {
      Scripts.Result result = scripts.run(Duration.ofMinutes(4), "experiment", experiment.toString());
      assertEquals(0, result.exitCode(), result.output());
      assertTrue(result.output().contains("=== warming up the cluster for 5 real s (not measured) ==="), result.output());
      assertTrue(result.output().contains("=== phase 2/2: handoff-300 ==="), result.output());
      assertTrue(result.output().contains("SATURATION"), result.output());
      Path run = dir.resolve("runs/latest").toRealPath();
      ObjectMapper json = new ObjectMapper();
      double proxy = json.readTree(run.resolve("phases/01-proxy-150/summary.json").toFile()).get("throughput").asDouble();
      double handoff = json.readTree(run.resolve("phases/02-handoff-300/summary.json").toFile()).get("throughput").asDouble();
      assertEquals(100, proxy, 10, "proxy saturates at 1 / (5 ms + 5 ms)\n" + result.output());
      assertEquals(200, handoff, 20, "handoff saturates at 1 / 5 ms\n" + result.output());
      JsonNode phases = json.readTree(run.resolve("phases.json").toFile());
      assertEquals(2, phases.size());
      String html = Files.readString(run.resolve("report.html"));
      assertTrue(html.contains("data:image/png;base64,"), "plots are embedded");
      assertFalse(html.contains("http://") || html.contains("https://"), "the report fetches nothing");
      assertEquals(List.of(), scripts.livePids(), "the experiment stops its cluster");
    } finally {
      scripts.killLeftovers();
    }
  }
}
