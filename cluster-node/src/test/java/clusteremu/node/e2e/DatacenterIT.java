package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated network against its configured latencies, on two real node JVMs. Five app servers
 * sit at different distances from one data server; each app server's metrics give the median
 * round trip of its data calls in every interval. Two "floor" app servers have routes of zero configured latency,
 * one on the data server's node and one on the other, so their round trips are what Pekko and
 * this machine really cost (between JVMs a few milliseconds at light load, within one far
 * less). Every other round trip must be twice its route's configured latency above the floor of
 * its kind, within 10%.
 */
class DatacenterIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One-way configured latency from each app server's host to the data server's host h1, ms.
   * Large enough that 10% of each round trip (at least 1 ms) stands above this machine's own
   * noise: the real floor itself moves by up to a millisecond between app servers and runs.
   */
  private static final Map<String, Double> ONE_WAY_MS =
      Map.of(
          "app-floor", 0.0, // h5 -> h1: both host links 0
          "app-host", 5.0, // same host: the same-host copy
          "app-rack", 5.0, // h2 link 5 + h1 link 0
          "app-row", 15.0, // h3 link 5 + rack r2 up 5 + rack r1 down 5 + h1 link 0
          "app-far", 35.0); // h4 link 5 + r3 up 5 + row-2 up 10 + row-1 down 10 + r1 down 5 + 0

  @TempDir Path dir;

  private Path scenario() throws IOException {
    int first = Scripts.freePort();
    int second = Scripts.freePort();
    String text =
        """
        clusteremu {
          nodes {
            dc-1 { port = %d, hosts = [h1, h6] }
            dc-2 { port = %d, hosts = [h2, h3, h4, h5] }
          }
          datacenter {
            links {
              host { latency = 5ms }
              rack { latency = 5ms }
              row { latency = 10ms }
              border { latency = 1ms }
            }
            same-host { latency = 5ms }
            rows {
              row-1 {
                racks {
                  r1 { hosts { h1 { link { latency = 0ms } }, h2 {}, h5 { link { latency = 0ms } }, h6 { link { latency = 0ms } } } }
                  r2 { hosts { h3 {} } }
                }
              }
              row-2 { racks { r3 { hosts { h4 {} } } } }
            }
            vms {
              dispatcher-1 { host = h1, guest = dispatcher }
              data-1 { host = h1, guest = data-server }
              app-host { host = h1, vcpus = 2, guest = app-server }
              app-rack { host = h2, vcpus = 2, guest = app-server }
              app-row { host = h3, vcpus = 2, guest = app-server }
              app-far { host = h4, vcpus = 2, guest = app-server }
              app-floor { host = h5, vcpus = 2, guest = app-server }
              app-floor-local { host = h6, vcpus = 2, guest = app-server }
            }
          }
          app-server.demand { distribution = constant, mean = 0.1ms }
          data-server.demand { distribution = constant, mean = 0.1ms }
          driver.read-ratio = 0.5

        }
        """
            .formatted(first, second);
    Path file = dir.resolve("dc-it.conf");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void roundTripsFollowTheConfiguredPathLatencyAboveTheRealFloor() throws Exception {
    Scripts scripts = new Scripts(dir.resolve("runs"));
    try {
      Scripts.Result up = scripts.run(Duration.ofMinutes(3), "cluster", "up", scenario().toString());
      assertEquals(0, up.exitCode(), up.output());
      Scripts.Result driver =
          scripts.run(Duration.ofMinutes(2), "driver", "--rate", "60", "--duration", "12s", "--warmup", "3s");
      assertEquals(0, driver.exitCode(), driver.output());
      Scripts.Result status = scripts.run(Duration.ofMinutes(1), "cluster", "status");
      assertEquals(0, status.exitCode(), status.output());
      for (String part : List.of("row-1", "rack r1", "host h4", "app-far", "data-server")) {
        assertTrue(status.output().contains(part), "status shows " + part + ":\n" + status.output());
      }
      Path run = dir.resolve("runs/latest").toRealPath();
      Scripts.Result down = scripts.run(Duration.ofMinutes(2), "cluster", "down");
      assertEquals(0, down.exitCode(), down.output());

      List<JsonNode> lines = new ArrayList<>();
      for (String node : List.of("dc-1", "dc-2")) {
        for (String line : Files.readAllLines(run.resolve("metrics").resolve(node + ".jsonl"))) {
          lines.add(JSON.readTree(line));
        }
      }
      RoundTrip remoteFloor = roundTrip(lines, "app-floor");
      RoundTrip localFloor = roundTrip(lines, "app-floor-local");
      StringBuilder measured =
          new StringBuilder(
              String.format("median floors: between JVMs %.3f ms, within one %.3f ms; above them (median / mean):", remoteFloor.median(), localFloor.median()));
      Map<String, Double> medianAbove = new LinkedHashMap<>();
      for (var app : ONE_WAY_MS.entrySet()) {
        RoundTrip floor = app.getKey().equals("app-host") ? localFloor : remoteFloor;
        RoundTrip trip = roundTrip(lines, app.getKey());
        medianAbove.put(app.getKey(), trip.median() - floor.median());
        measured.append(String.format(" %s %.3f / %.3f", app.getKey(), trip.median() - floor.median(), trip.mean() - floor.mean()));
      }
      measured.append("; emulation loops' timer lateness, median of the intervals' p50 / p99, ms:").append(lateness(lines));
      System.out.println("DatacenterIT: " + measured);
      for (var app : ONE_WAY_MS.entrySet()) {
        double expected = 2 * app.getValue();
        assertEquals(expected, medianAbove.get(app.getKey()), Math.max(0.1 * expected, 0.3), app.getKey() + " round trip above the floor, ms (" + measured + ")");
      }

      assertTrue(sum(lines, "link", "up:host:h4", "bytes") > 0, "the far app server's host link carried bytes");
      assertTrue(lines.stream().anyMatch(l -> l.get("kind").asText().equals("tlp") && l.get("tlp").asDouble() >= 1), "a TLP of at least 1 while busy");
      assertTrue(sum(lines, "vm", "data-1", "dirty_pages_per_s") > 0, "the data server's writes dirty pages");
    } finally {
      scripts.killLeftovers();
    }
    assertEquals(List.of(), scripts.livePids(), "no node JVM left running");
  }

  /**
   * An app server's data-call round trip over its last eight busy intervals: the median of each
   * interval's median, which is what the test holds to the model (one call that meets a garbage
   * collection or a late-woken thread on this small machine moves a mean by milliseconds), and
   * the mean, printed beside it.
   */
  private record RoundTrip(double median, double mean) {}

  private static RoundTrip roundTrip(List<JsonNode> lines, String app) {
    List<JsonNode> busy =
        lines.stream().filter(l -> l.get("component").asText().equals(app) && l.path("data_calls").asLong() > 0).toList();
    assertTrue(busy.size() >= 8, app + " was busy in only " + busy.size() + " intervals");
    List<JsonNode> last = busy.subList(busy.size() - 8, busy.size());
    double totalMs = 0;
    long calls = 0;
    for (JsonNode line : last) {
      totalMs += line.get("data_call_mean_ms").asDouble() * line.get("data_calls").asLong();
      calls += line.get("data_calls").asLong();
    }
    return new RoundTrip(median(last, "data_call_p50_ms"), totalMs / calls);
  }

  /** Each node's median and 99th percentile of its loop's timer lateness over the run, ms. */
  private static String lateness(List<JsonNode> lines) {
    StringBuilder text = new StringBuilder();
    for (String node : List.of("dc-1", "dc-2")) {
      List<JsonNode> loop =
          lines.stream().filter(l -> l.get("kind").asText().equals("loop") && l.get("node").asText().equals(node) && l.get("timers").asLong() > 0).toList();
      text.append(String.format(" %s %.2f / %.2f", node, median(loop, "lateness_p50_ms"), median(loop, "lateness_p99_ms")));
    }
    return text.toString();
  }

  private static double median(List<JsonNode> lines, String field) {
    double[] values = lines.stream().mapToDouble(l -> l.get(field).asDouble()).sorted().toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }

  private static double sum(List<JsonNode> lines, String kind, String component, String field) {
    return lines.stream()
        .filter(l -> l.get("kind").asText().equals(kind) && l.get("component").asText().equals(component))
        .mapToDouble(l -> l.path(field).asDouble())
        .sum();
  }
}
