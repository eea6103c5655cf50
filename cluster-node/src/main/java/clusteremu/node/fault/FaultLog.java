package clusteremu.node.fault;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The faults carried out in a run, in order: kept for {@code GET /faults} and appended to {@code runs/<run>/faults.jsonl}. */
public final class FaultLog {
  private static final Logger log = LoggerFactory.getLogger(FaultLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final List<Map<String, Object>> history = new ArrayList<>();

  public FaultLog(Path file) {
    this.file = file;
  }

  /** A new line for {@code fault}, stamped now; the caller adds what it did and {@link #write}s it. */
  static Map<String, Object> line(String fault) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("ts", System.currentTimeMillis());
    line.put("fault", fault);
    return line;
  }

  public synchronized void write(Map<String, Object> line) {
    history.add(line);
    try {
      Files.writeString(file, JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.error("could not write {}: {}", file, e.toString());
    }
  }

  public synchronized List<Map<String, Object>> history() {
    return List.copyOf(history);
  }
}
