package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.scenario.ScenarioLoader;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Path faults on the real emulation loop and network model, held to their formulas: a link adds
 * its latency and its bandwidth's transfer time to the route, in both directions, only between
 * its two places; a cut loses everything on those paths and counts it; healing restores the route.
 */
class PathImpairmentTest {
  private static final long BYTES = 125_000; // 1 ms at 1 Gbit/s
  private final EmulationLoop loop = new EmulationLoop("path-impairment-test");
  private final Topology topology =
      ScenarioLoader.fromConfig(
              Path.of("path-impairment-test.conf"),
              ConfigFactory.parseString(
                  """
                  clusteremu {
                    nodes { n { port = 2552, racks = [a, b, c] } }
                    datacenter {
                      rows {
                        row-1 { racks { a { hosts { a1 {}, a2 {} } }, b { hosts { b1 {} } } } }
                        row-2 { racks { c { hosts { c1 {} } } } }
                      }
                      vms { d { host = c1, guest = data-server }, p { host = a1, guest = dispatcher }, s { host = b1, guest = app-server } }
                    }
                  }
                  """),
              ConfigFactory.defaultReferenceUnresolved())
          .datacenter()
          .orElseThrow();
  private final Network network = new Network(topology, loop, Set.of(), Placement.initial(topology), null, true);

  @AfterEach
  void stop() {
    loop.close();
  }

  /** How long {@code BYTES} take from one host to another alone on the paths, in ns; -1 when they never arrive (within 2 s). */
  private long transfer(String from, String to) throws Exception {
    CompletableFuture<Long> arrived = new CompletableFuture<>();
    CompletableFuture<Long> sent = new CompletableFuture<>();
    loop.execute(
        () -> {
          long at = System.nanoTime();
          sent.complete(at);
          network.carryBulk(from, to, at, BYTES, new Object(), crossed -> arrived.complete(crossed));
        });
    try {
      return arrived.get(2, TimeUnit.SECONDS) - sent.get();
    } catch (java.util.concurrent.TimeoutException lost) {
      return -1;
    }
  }

  /** The route's own time for those bytes: its latency and each hop's transfer time. */
  private long routeAlone(String from, String to) {
    var route = topology.route(from, to);
    return route.latencyNanos() + route.hops().stream().mapToLong(h -> h.spec().transferNanos(BYTES)).sum();
  }

  @Test
  void aLinkAddsItsLatencyAndTransferTimeBetweenItsPlacesInBothDirections() throws Exception {
    network.setImpairments(List.of(new PathImpairment("a", "c1", 20_000_000, 125e6 / 10, 0))); // +20 ms, 100 Mbit/s
    long extra = 20_000_000 + BYTES * 1_000_000_000L / 12_500_000; // 20 ms + 10 ms
    for (String[] path : new String[][] {{"a1", "c1"}, {"c1", "a2"}}) {
      long measured = transfer(path[0], path[1]);
      long model = routeAlone(path[0], path[1]) + extra;
      assertEquals(model, measured, model * 0.05, path[0] + " -> " + path[1]);
    }
    long untouched = transfer("b1", "c1");
    assertEquals(routeAlone("b1", "c1"), untouched, 2_000_000, "b1 is not in rack a: its path to c1 is as the topology has it");
  }

  @Test
  void aLinkWithLatencyAloneAddsJustThat() throws Exception {
    network.setImpairments(List.of(new PathImpairment("row-1", "row-2", 20_000_000, 0, 0)));
    long measured = transfer("c1", "b1");
    assertEquals(routeAlone("c1", "b1") + 20_000_000, measured, 1_500_000);
    // The loop is free for the next message at once (no link of unbounded bandwidth to spin on).
    assertEquals(routeAlone("c1", "b1") + 20_000_000, transfer("c1", "b1"), 1_500_000);
  }

  @Test
  void aCutLosesEverythingOnItsPathsAndAHealRestoresThem() throws Exception {
    PathImpairment cut = PathImpairment.cut("row-1", "row-2");
    network.setImpairments(List.of(cut));
    assertEquals(-1, transfer("a1", "c1"));
    assertEquals(-1, transfer("c1", "b1"));
    assertTrue(transfer("a1", "b1") > 0, "within row-1 nothing is cut");
    assertEquals(Map.of(cut, 2L), network.impairmentLosses());

    network.setImpairments(List.of());
    long healed = transfer("a1", "c1");
    assertEquals(routeAlone("a1", "c1"), healed, 2_000_000);
    assertFalse(network.impairmentLosses().containsKey(cut));
  }

  @Test
  void overlappingFaultsAddUpAndACutAmongThemCuts() throws Exception {
    PathImpairment slowRows = new PathImpairment("row-1", "row-2", 10_000_000, 0, 0);
    PathImpairment slowerRack = new PathImpairment("a", "c", 5_000_000, 0, 0);
    network.setImpairments(List.of(slowRows, slowerRack));
    assertEquals(routeAlone("a1", "c1") + 15_000_000, transfer("a1", "c1"), 1_500_000, "both faults are on the path from a1 to c1");
    assertEquals(routeAlone("b1", "c1") + 10_000_000, transfer("b1", "c1"), 1_500_000, "only the rows' fault is on the path from b1");

    PathImpairment cut = PathImpairment.cut("a1", "c1");
    network.setImpairments(List.of(slowRows, cut));
    assertEquals(-1, transfer("a1", "c1"), "a cut placed after a slow link still cuts");
    network.setImpairments(List.of(slowRows, cut)); // the table sent again
    assertEquals(Map.of(slowRows, 0L, cut, 1L), network.impairmentLosses(), "the same faults sent again keep their counts");
  }

  @Test
  void aLossyLinkLosesAboutItsFraction() throws Exception {
    PathImpairment lossy = new PathImpairment("a1", "b1", 0, 0, 0.3);
    network.setImpairments(List.of(lossy));
    int sent = 2000;
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(
        () -> {
          for (int i = 0; i < sent; i++) {
            network.carryBulk("a1", "b1", System.nanoTime(), 100, new Object(), crossed -> {});
          }
          done.complete(null);
        });
    done.get(5, TimeUnit.SECONDS);
    long lost = network.impairmentLosses().get(lossy);
    // Binomial(2000, 0.3): mean 600, standard deviation 20.5; five of them either side.
    assertEquals(600, lost, 103, "lost " + lost + " of " + sent);
  }
}
