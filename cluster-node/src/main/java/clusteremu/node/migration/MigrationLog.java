package clusteremu.node.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code runs/<run>/migrations.jsonl}: one JSON object per line, a line per migration as it ends
 * ({@code kind} {@code migration}) and one per pre-copy round ({@code kind} {@code round}).
 * Every node appends to the same file; each line goes out in one write to a file opened for
 * appending, so lines of two nodes never interleave.
 */
public final class MigrationLog {
  private static final Logger log = LoggerFactory.getLogger(MigrationLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public MigrationLog(Path file) {
    this.file = file;
  }

  public synchronized void write(Map<String, Object> line) {
    try {
      byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
      Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      log.warn("could not write to {}: {}", file, e.toString());
    }
  }
}
