package clusteremu.node.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The folder of all runs ({@code runs/} by default, or {@code $CLUSTEREMU_RUNS}), with {@code
 * latest} pointing at the newest.
 */
public final class Runs {
  private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private final Path root;

  public Runs(Path root) {
    this.root = root;
  }

  /** The runs folder the scripts use: {@code $CLUSTEREMU_RUNS}, else {@code runs} here. */
  public static Runs fromEnvironment() {
    String configured = System.getenv("CLUSTEREMU_RUNS");
    return new Runs(Path.of(configured == null || configured.isBlank() ? "runs" : configured));
  }

  public Path root() {
    return root;
  }

  /** Creates {@code runs/<date>-<time>-<name>/} with its sub-folders and points {@code latest} at it. */
  public RunDirectory create(String name) {
    try {
      Files.createDirectories(root);
      String base = LocalDateTime.now().format(ID) + "-" + name;
      Path dir = root.resolve(base);
      for (int i = 2; Files.exists(dir); i++) {
        dir = root.resolve(base + "-" + i);
      }
      for (String sub : new String[] {"logs", "metrics", "status", "pids"}) {
        Files.createDirectories(dir.resolve(sub));
      }
      Path latest = root.resolve("latest");
      Files.deleteIfExists(latest);
      Files.createSymbolicLink(latest, dir.getFileName());
      return new RunDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a run directory under " + root, e);
    }
  }

  /** The newest run, if any. */
  public Optional<RunDirectory> latest() {
    Path latest = root.resolve("latest");
    if (!Files.isDirectory(latest)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new RunDirectory(latest.toRealPath()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
