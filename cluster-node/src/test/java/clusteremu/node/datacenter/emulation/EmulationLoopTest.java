package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.time.TimeDilation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class EmulationLoopTest {
  @Test
  void runsTimedEventsInDueOrderAndRecordsHowLateTheyRan() throws Exception {
    try (EmulationLoop loop = new EmulationLoop("test-loop")) {
      List<String> ran = new CopyOnWriteArrayList<>();
      CompletableFuture<Long> lastDue = new CompletableFuture<>();
      long now = System.nanoTime();
      loop.execute(
          () -> {
            loop.at(now + 3_000_000, due -> ran.add("in 3 ms"));
            loop.at(now - 5_000_000, due -> ran.add("5 ms ago")); // already overdue
            loop.at(now + 6_000_000, due -> lastDue.complete(due));
          });
      assertEquals(now + 6_000_000, lastDue.get(5, TimeUnit.SECONDS), "an event is told the instant it was due");
      assertEquals(List.of("5 ms ago", "in 3 ms"), ran);

      CompletableFuture<Histogram> lateness = new CompletableFuture<>();
      loop.execute(() -> lateness.complete(loop.latenessSinceLast()));
      Histogram late = lateness.get(5, TimeUnit.SECONDS);
      assertEquals(3, late.getTotalCount());
      assertTrue(late.getMaxValue() >= 5000, "the overdue event ran at least 5 ms late: " + late.getMaxValue() + " us");

      CompletableFuture<Long> next = new CompletableFuture<>();
      loop.execute(() -> next.complete(loop.latenessSinceLast().getTotalCount()));
      assertEquals(0, next.get(5, TimeUnit.SECONDS), "each read starts a new interval");
    }
  }

  @Test
  void aPieceOfWorkThatThrowsIsCountedAndTheLoopGoesOn() throws Exception {
    try (EmulationLoop loop = new EmulationLoop("test-loop")) {
      loop.execute(() -> {
        throw new IllegalStateException("a bug in one task");
      });
      CompletableFuture<Long> after = new CompletableFuture<>();
      long now = System.nanoTime();
      loop.execute(() -> {
        loop.at(now, due -> {
          throw new IllegalStateException("a bug in one timed event");
        });
        loop.at(now + 2_000_000, due -> after.complete(loop.failures()));
      });
      assertEquals(2, after.get(5, TimeUnit.SECONDS), "both failures counted, and later work still runs");
    }
  }

  @Test
  void underTimeDilationAnEmulatedWaitTakesFactorTimesLongerInRealTime() throws Exception {
    try (EmulationLoop loop = new EmulationLoop("test-loop", new TimeDilation(10))) {
      CompletableFuture<long[]> ran = new CompletableFuture<>();
      long realStart = System.nanoTime();
      long start = loop.now();
      loop.execute(() -> loop.at(start + 20_000_000, due -> ran.complete(new long[] {due, loop.now(), System.nanoTime()})));
      long[] at = ran.get(5, TimeUnit.SECONDS);
      assertEquals(start + 20_000_000, at[0], "told the emulated instant it was due");
      assertTrue(at[1] - start >= 20_000_000, "ran 20 emulated ms later or after: " + (at[1] - start));
      assertTrue(at[2] - realStart >= 200_000_000, "20 emulated ms took at least 200 real ms: " + (at[2] - realStart) / 1e6 + " ms");
    }
  }

  @Test
  void workHandedToAParkedLoopWakesIt() throws Exception {
    // With no timer the loop parks for 100 ms at a time; only new work's unpark wakes it sooner.
    try (EmulationLoop loop = new EmulationLoop("test-loop-parked")) {
      Thread thread = loopThread("test-loop-parked");
      long[] tookNanos = new long[50];
      for (int round = 0; round < tookNanos.length; round++) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.TIMED_WAITING) {
          assertTrue(System.nanoTime() < deadline, "the loop never parked");
          Thread.onSpinWait();
        }
        CompletableFuture<Long> ran = new CompletableFuture<>();
        long handed = System.nanoTime();
        loop.execute(() -> ran.complete(System.nanoTime()));
        tookNanos[round] = ran.get(5, TimeUnit.SECONDS) - handed;
      }
      java.util.Arrays.sort(tookNanos);
      long median = tookNanos[tookNanos.length / 2];
      assertTrue(median < TimeUnit.MILLISECONDS.toNanos(20), "median wake-up " + median / 1e6 + " ms: a parked loop was not woken (its park is 100 ms)");
    }
  }

  private static Thread loopThread(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
  }
}
