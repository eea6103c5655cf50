package clusteremu.node.security;

import clusteremu.node.config.ScenarioException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A secret kept in a file of its own (a password, a token): its first line, never written anywhere else. */
final class SecretFile {
  private SecretFile() {}

  /** The first line of {@code file}, trimmed; a {@link ScenarioException} naming the file and {@code expected} when it is missing, unreadable or empty. */
  static String firstLine(Path file, String expected) {
    String first;
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      first = reader.readLine();
    } catch (NoSuchFileException e) {
      throw new ScenarioException(file + " does not exist: " + expected, e);
    } catch (IOException e) {
      throw new ScenarioException(file + " cannot be read (" + e.getMessage() + "): " + expected, e);
    }
    if (first == null || first.isBlank()) {
      throw new ScenarioException(file + " is empty: " + expected);
    }
    return first.trim();
  }
}
