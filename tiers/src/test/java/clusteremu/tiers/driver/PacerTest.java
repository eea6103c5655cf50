package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.time.TimeDilation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PacerTest {

  @Test
  void handsOnEveryArrivalBeforeTheEndInOrderNoneEarlyThenSaysItIsOver() throws Exception {
    long start = System.nanoTime();
    long end = start + 50_000_000L;
    List<Long> dues = Collections.synchronizedList(new ArrayList<>());
    List<Long> lateness = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger overs = new AtomicInteger();
    CountDownLatch over = new CountDownLatch(1);
    new Pacer(
            TimeDilation.NONE,
            new ArrivalSchedule(2000, LoadSettings.Arrivals.CONSTANT, start, 1),
            end,
            due -> {
              lateness.add(System.nanoTime() - due);
              dues.add(due);
            },
            () -> {
              overs.incrementAndGet();
              over.countDown();
            })
        .start();
    assertTrue(over.await(10, TimeUnit.SECONDS), "over within 10 s");

    ArrivalSchedule replay = new ArrivalSchedule(2000, LoadSettings.Arrivals.CONSTANT, start, 1);
    List<Long> expected = new ArrayList<>();
    for (long due = replay.next(); due < end; due = replay.next()) {
      expected.add(due);
    }
    assertEquals(100, expected.size(), "2000/s for 50 ms");
    assertEquals(expected, dues);
    assertTrue(lateness.stream().allMatch(l -> l >= 0), "none handed on before its time: " + lateness);
    assertEquals(1, overs.get());
  }

  @Test
  void stoppedItHandsOnNoMoreAndSaysItIsOver() throws Exception {
    long start = System.nanoTime();
    AtomicInteger handed = new AtomicInteger();
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch over = new CountDownLatch(1);
    Pacer pacer =
        new Pacer(
                TimeDilation.NONE,
            new ArrivalSchedule(100, LoadSettings.Arrivals.CONSTANT, start, 1),
            start + 600_000_000_000L,
            due -> {
              handed.incrementAndGet();
              first.countDown();
            },
            over::countDown);
    pacer.start();
    assertTrue(first.await(10, TimeUnit.SECONDS));
    pacer.stop();
    assertTrue(over.await(10, TimeUnit.SECONDS), "over within 10 s of the stop, not after 10 minutes");
  }
}
