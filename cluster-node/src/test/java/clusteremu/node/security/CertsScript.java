package clusteremu.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the project's {@code scripts/certs} as a user would; a run that overruns its time limit is killed and fails the test. */
final class CertsScript {
  static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

  /** keytool starts a JVM per step, five for a node store: about 2 s on an idle machine. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  record Result(int exitCode, String output) {}

  private CertsScript() {}

  static Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("scripts/certs").toString());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError("scripts/certs " + String.join(" ", args) + " did not finish within " + LIMIT);
      }
      return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Runs it and requires success. */
  static String make(String... args) {
    Result result = run(args);
    assertEquals(0, result.exitCode(), "scripts/certs " + String.join(" ", args) + ":\n" + result.output());
    return result.output();
  }
}
