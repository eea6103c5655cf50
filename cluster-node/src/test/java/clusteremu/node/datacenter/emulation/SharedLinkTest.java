package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.node.datacenter.LinkSpec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A link shared fairly, against X / B: each transfer reports the emulated instant it finished. */
class SharedLinkTest {
  private final EmulationLoop loop = new EmulationLoop("test-loop");
  /** 100 Mbit/s = 12.5 MB/s, no latency. */
  private final SharedLink link = new SharedLink("l", new LinkSpec(0, 100e6 / 8), loop);

  @AfterEach
  void stop() {
    loop.close();
  }

  @Test
  void oneMegabyteOverOneHundredMegabitsTakesEightyMilliseconds() throws Exception {
    CompletableFuture<Long> took = new CompletableFuture<>();
    loop.execute(() -> {
      long start = System.nanoTime();
      link.send(start, 1_000_000, at -> took.complete(at - start));
    });
    assertEquals(80.0, took.get(5, TimeUnit.SECONDS) / 1e6, 0.01);
    assertEquals(1_000_000, totals().bytes());
  }

  @Test
  void twoConcurrentFlowsEachTakeTwiceAsLong() throws Exception {
    CompletableFuture<Long> first = new CompletableFuture<>();
    CompletableFuture<Long> second = new CompletableFuture<>();
    loop.execute(() -> {
      long start = System.nanoTime();
      link.send(start, 1_000_000, at -> first.complete(at - start));
      link.send(start, 1_000_000, at -> second.complete(at - start));
    });
    assertEquals(160.0, first.get(5, TimeUnit.SECONDS) / 1e6, 0.01);
    assertEquals(160.0, second.get(5, TimeUnit.SECONDS) / 1e6, 0.01);
    // Each waited 80 ms beyond its own transfer time.
    assertEquals(160.0, totals().queueingNanos() / 1e6, 0.02);
  }

  @Test
  void theBatchesOfAFlowCrossInOrderAndTakeOneShare() throws Exception {
    // Three 1 MB batches of one flow and a 1 MB message, all at 0: the message and the flow's
    // first batch share the link (160 ms each); the flow's next batches then have it alone.
    Object flow = new Object();
    CompletableFuture<Long> message = new CompletableFuture<>();
    java.util.List<CompletableFuture<Long>> batches = java.util.List.of(new CompletableFuture<>(), new CompletableFuture<>(), new CompletableFuture<>());
    loop.execute(() -> {
      long start = System.nanoTime();
      for (CompletableFuture<Long> batch : batches) {
        link.send(start, 1_000_000, flow, at -> batch.complete(at - start));
      }
      link.send(start, 1_000_000, at -> message.complete(at - start));
    });
    assertEquals(160.0, message.get(5, TimeUnit.SECONDS) / 1e6, 0.01);
    assertEquals(160.0, batches.get(0).get(5, TimeUnit.SECONDS) / 1e6, 0.01);
    assertEquals(240.0, batches.get(1).get(5, TimeUnit.SECONDS) / 1e6, 0.01);
    assertEquals(320.0, batches.get(2).get(5, TimeUnit.SECONDS) / 1e6, 0.01);
    assertEquals(4_000_000, totals().bytes());
  }

  @Test
  void aLaterSmallFlowSharesOnlyWhileBothAreOn() throws Exception {
    CompletableFuture<Long> big = new CompletableFuture<>();
    CompletableFuture<Long> small = new CompletableFuture<>();
    loop.execute(() -> {
      long start = System.nanoTime();
      link.send(start, 1_000_000, at -> big.complete(at - start));
      // 40 ms in, 500 kB are over; 250 kB more then shares the link for 40 ms.
      link.send(start + 40_000_000, 250_000, at -> small.complete(at - start));
    });
    assertEquals(80.0, small.get(5, TimeUnit.SECONDS) / 1e6, 0.01);
    assertEquals(100.0, big.get(5, TimeUnit.SECONDS) / 1e6, 0.01);
  }

  private SharedLink.LinkTotals totals() throws Exception {
    CompletableFuture<SharedLink.LinkTotals> totals = new CompletableFuture<>();
    loop.execute(() -> totals.complete(link.totals()));
    return totals.get(5, TimeUnit.SECONDS);
  }

  @Test
  void anotherNodesFlowTakesItsShareFromWhenItIsTold() throws Exception {
    // 1 MB alone would take 80 ms. Another node's flow joins at 0 and leaves at 100 ms: the first
    // 100 ms move 625 kB (half the link), the other 375 kB go at full speed in 30 ms.
    Object flow = new Object();
    CompletableFuture<Long> took = new CompletableFuture<>();
    loop.execute(() -> {
      long start = System.nanoTime();
      link.setRemoteFlows(start, 1);
      link.send(start, 1_000_000, flow, at -> took.complete(at - start));
      loop.at(start + 100_000_000L, at -> link.setRemoteFlows(at, 0));
    });
    assertEquals(130.0, took.get(5, TimeUnit.SECONDS) / 1e6, 0.5);
  }
}
