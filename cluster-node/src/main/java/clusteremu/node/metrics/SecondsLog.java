package clusteremu.node.metrics;

import clusteremu.tiers.driver.Driver;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The driver's outcomes second by second, one JSON line each ({@code outcomes.jsonl} beside its
 * summary): {@code ts}, {@code sent}, {@code ok}, {@code failed}, {@code failed_by_reason},
 * {@code timeouts}, {@code not_sent}, {@code availability} (ok over settled), {@code warmup}.
 */
public final class SecondsLog implements Consumer<Driver.Second>, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  private final PrintStream out;

  public SecondsLog(Path file) throws IOException {
    this.out = new PrintStream(Files.newOutputStream(file), true, "UTF-8");
  }

  @Override
  public synchronized void accept(Driver.Second second) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("ts", second.ts());
    line.put("sent", second.sent());
    line.put("ok", second.ok());
    line.put("failed", second.failed());
    line.put("failed_by_reason", second.failedByReason());
    line.put("timeouts", second.timeouts());
    line.put("not_sent", second.notSent());
    line.put("availability", Math.round(second.availability() * 10000) / 10000.0);
    line.put("warmup", second.warmup());
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    out.close();
  }
}
