package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One wake-up per model: a later instant waits for the timer set, an earlier one replaces it. */
class AlarmTest {
  private final EmulationLoop loop = new EmulationLoop("test-alarm");
  private final List<Long> heard = new CopyOnWriteArrayList<>();
  private final Alarm alarm = new Alarm(loop, heard::add);

  @AfterEach
  void stop() {
    loop.close();
  }

  @Test
  void aLaterInstantSetsNoSecondTimer() throws Exception {
    assertEquals(List.of(10L), heardBy(start -> {
      alarm.at(start + ms(10));
      alarm.at(start + ms(20)); // the model asks again when the first goes off early
    }, 30));
  }

  @Test
  void anEarlierInstantReplacesTheTimerAndTheReplacedOneGoesOffUnheard() throws Exception {
    assertEquals(List.of(10L), heardBy(start -> {
      alarm.at(start + ms(20));
      alarm.at(start + ms(10));
    }, 30));
  }

  @Test
  void afterOneGoesOffTheNextInstantIsSetAgain() throws Exception {
    assertEquals(List.of(10L, 20L), heardBy(start -> {
      alarm.at(start + ms(10));
      loop.at(start + ms(15), at -> alarm.at(start + ms(20)));
    }, 30));
  }

  /**
   * Runs {@code set} on the loop from an instant {@code start}, and returns the instants heard,
   * in ms after it, once a marker timer {@code markerMs} after it has gone off (timers go off in
   * due order, so every timer due before it has gone off by then).
   */
  private List<Long> heardBy(java.util.function.LongConsumer set, long markerMs) throws Exception {
    CompletableFuture<Long> started = new CompletableFuture<>();
    CompletableFuture<Void> marker = new CompletableFuture<>();
    loop.execute(() -> {
      long start = loop.now();
      started.complete(start);
      set.accept(start);
      loop.at(start + ms(markerMs), at -> marker.complete(null));
    });
    long start = started.get(5, TimeUnit.SECONDS);
    marker.get(5, TimeUnit.SECONDS);
    return heard.stream().map(at -> (at - start) / ms(1)).toList();
  }

  private static long ms(long ms) {
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }
}
