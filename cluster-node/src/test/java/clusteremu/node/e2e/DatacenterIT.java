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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated network against its configured latencies, on two real node JVMs. Five app servers
 * sit at different distances from one data server; each app server's metrics give the mean
 * round trip of its data calls. Two "floor" app servers have routes of zero configured latency,
 * one on the data server's node and one on the other, so their round trips are what Pekko and
 * this machine really cost (between JVMs a few milliseconds at light load, within one far
 * less). Every other round trip must be twice its route's configured latency above the floor of
 * its kind, within 10%.
 */
class DatacenterIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One-way configured latency from each app server's host to the data server's host h1, ms. */
  private static final Map<String, Double> ONE_WAY_MS =
      Map.of(
          "app-floor", 0.0, // h5 -> h1: both host links 0
          "app-host", 5.0, // same host: the same-host copy
          "app-rack", 2.0, // h2 link 2 + h1 link 0
          "app-row", 8.0, // h3 link 2 + rack r2 up 3 + rack r1 down 3 + h1 link 0
          "app-far", 18.0); // h4 link 2 + r3 up 3 + row-2 up 5 + row-1 down 5 + r1 down 3 + 0

  @TempDir Path dir;

  private Path scenario() throws IOException {
    int first = Scripts.freePort();
    int second = Scripts.freePort();
    while (second == first) {
      second = Scripts.freePort();
    }
    String text =
        """
        clusteremu {
          nodes {
            dc-1 { port = %d, hosts = [h1, h6] }
            dc-2 { port = %d, hosts = [h2, h3, h4, h5] }
          }
          datacenter {
            links {
              host { latency = 2ms }
              rack { latency = 3ms }
              row { latency = 5ms }
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
      double remoteFloor = meanRoundTripMs(lines, "app-floor");
      double localFloor = meanRoundTripMs(lines, "app-floor-local");
      StringBuilder measured = new StringBuilder(String.format("floors: between JVMs %.3f ms, within one %.3f ms; above them:", remoteFloor, localFloor));
      for (var app : ONE_WAY_MS.entrySet()) {
        double floor = app.getKey().equals("app-host") ? localFloor : remoteFloor;
        measured.append(String.format(" %s %.3f", app.getKey(), meanRoundTripMs(lines, app.getKey()) - floor));
      }
      for (var app : ONE_WAY_MS.entrySet()) {
        double floor = app.getKey().equals("app-host") ? localFloor : remoteFloor;
        double above = meanRoundTripMs(lines, app.getKey()) - floor;
        double expected = 2 * app.getValue();
        assertEquals(expected, above, Math.max(0.1 * expected, 0.3), app.getKey() + " round trip above the floor, ms (" + measured + ")");
      }
      System.out.println("DatacenterIT: " + measured);

      assertTrue(sum(lines, "link", "up:host:h4", "bytes") > 0, "the far app server's host link carried bytes");
      assertTrue(lines.stream().anyMatch(l -> l.get("kind").asText().equals("tlp") && l.get("tlp").asDouble() >= 1), "a TLP of at least 1 while busy");
      assertTrue(sum(lines, "vm", "data-1", "dirty_pages_per_s") > 0, "the data server's writes dirty pages");
    } finally {
      scripts.killLeftovers();
    }
    assertEquals(List.of(), scripts.livePids(), "no node JVM left running");
  }

  /** Mean data-call round trip of an app server over its last eight busy intervals. */
  private static double meanRoundTripMs(List<JsonNode> lines, String app) {
    List<JsonNode> busy =
        lines.stream().filter(l -> l.get("component").asText().equals(app) && l.path("data_calls").asLong() > 0).toList();
    assertTrue(busy.size() >= 8, app + " was busy in only " + busy.size() + " intervals");
    double totalMs = 0;
    long calls = 0;
    for (JsonNode line : busy.subList(busy.size() - 8, busy.size())) {
      totalMs += line.get("data_call_mean_ms").asDouble() * line.get("data_calls").asLong();
      calls += line.get("data_calls").asLong();
    }
    return totalMs / calls;
  }

  private static double sum(List<JsonNode> lines, String kind, String component, String field) {
    return lines.stream()
        .filter(l -> l.get("kind").asText().equals(kind) && l.get("component").asText().equals(component))
        .mapToDouble(l -> l.path(field).asDouble())
        .sum();
  }
}
