package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.protocol.Reply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final List<String> lines = new ArrayList<>();
  private final List<Driver.Second> seconds = new ArrayList<>();
  private final Ledger ledger = new Ledger();

  private Progress progress(Duration warmup) {
    return progress(warmup, new ByteArrayOutputStream());
  }

  private Progress progress(Duration warmup, ByteArrayOutputStream log) {
    MeasuredWindow window = new MeasuredWindow(System.nanoTime(), System.currentTimeMillis(), warmup, Duration.ofSeconds(10));
    return new Progress(
        new Driver.Output(lines::add, new PrintStream(log, true, StandardCharsets.UTF_8), seconds::add), ledger, window);
  }

  private void send(long id) {
    ledger.sent(id, new Ledger.Pending(0, System.nanoTime(), "d", -1, true));
  }

  @Test
  void eachSecondPrintsTheRunningCountsAndTellsWhatSettledInItSoTheSecondsSumToTheTotals() {
    Progress progress = progress(Duration.ofHours(1));
    send(0);
    send(1);
    send(2);
    ledger.answered(Reply.ok(0));
    progress.answeredOk(2_000);
    ledger.answered(Reply.failed(1, "app-server-queue-full"));
    progress.tick(2);

    assertEquals(1, lines.size());
    assertTrue(
        lines.get(0).matches(
            "\\[ *\\d+s\\] sent 3  ok 1  failed 1  timed out 0  not sent 2  in flight 1 \\| \\d+ req/s ok \\| p50 2\\.00 ms  p99 2\\.00 ms"),
        lines.get(0));
    assertEquals(List.of(new Driver.Second(seconds.get(0).ts(), 3, 1, 1, Map.of("app-server-queue-full", 1L), 0, 0, true)), seconds);

    send(3);
    ledger.expire(System.nanoTime()); // 2 and 3 time out
    ledger.notSent("in-flight-limit");
    send(4);
    ledger.answered(Reply.failed(4, "dispatcher-lost"));
    progress.last(0);

    assertEquals(2, seconds.size(), "what settled after the last tick is reported at the end");
    Driver.Second last = seconds.get(1);
    assertEquals(new Driver.Second(last.ts(), 2, 0, 1, Map.of("dispatcher-lost", 1L), 2, 1, true), last, "only what changed, by reason");
    assertEquals(ledger.sent(), seconds.stream().mapToLong(Driver.Second::sent).sum());
    assertEquals(ledger.ok(), seconds.stream().mapToLong(Driver.Second::ok).sum());
    assertEquals(ledger.failed(), seconds.stream().mapToLong(Driver.Second::failed).sum());
    assertEquals(ledger.timeouts(), seconds.stream().mapToLong(Driver.Second::timeouts).sum());
    assertEquals(ledger.notSent(), seconds.stream().mapToLong(Driver.Second::notSent).sum());
    assertTrue(lines.get(1).contains("sent 5  ok 1  failed 2  timed out 2  not sent 1  in flight 0"), lines.get(1));
  }

  @Test
  void theHistogramLogHasAnIntervalPerSecondTaggedWhileWarmingUp() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Progress warmingUp = progress(Duration.ofHours(1), log);
    warmingUp.answeredOk(1_000);
    warmingUp.answeredOk(3_000);
    warmingUp.tick(0);
    warmingUp.answeredOk(2_000);
    warmingUp.tick(0);

    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("#clusteremu driver: latency of requests answered ok, in microseconds"), text);
    HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(log.toByteArray()));
    EncodableHistogram first = reader.nextIntervalHistogram();
    assertEquals("warmup", first.getTag());
    assertEquals(3_000, first.getMaxValueAsDouble(), 3_000 * 0.001);
    EncodableHistogram second = reader.nextIntervalHistogram();
    assertEquals(2_000, second.getMaxValueAsDouble(), 2_000 * 0.001, "each interval starts empty");
    assertEquals(null, reader.nextIntervalHistogram());

    ByteArrayOutputStream measuredLog = new ByteArrayOutputStream();
    Progress measuring = progress(Duration.ZERO, measuredLog);
    measuring.answeredOk(5_000);
    measuring.tick(0);
    EncodableHistogram measured = new HistogramLogReader(new ByteArrayInputStream(measuredLog.toByteArray())).nextIntervalHistogram();
    assertEquals(null, measured.getTag(), "the measured part is untagged");
    assertEquals(5_000, measured.getMaxValueAsDouble(), 5_000 * 0.001);
  }
}
