package clusteremu.node.run;

import clusteremu.tiers.settings.ConfigNamed;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes and reads {@code settings.json} ({@link RunSettings}): snake_case keys as in the run's
 * other JSON files, and modes, policies and threading models by the names scenarios use.
 */
public final class SettingsFile {
  private SettingsFile() {}

  /** Jackson takes an enum's {@code @JsonValue} both ways: written and read as {@code proxy}, not {@code PROXY}. */
  private interface ByConfigName {
    @JsonValue
    String configName();
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .addMixIn(ConfigNamed.class, ByConfigName.class);

  public static void write(Path file, RunSettings settings) throws IOException {
    JSON.writeValue(file.toFile(), settings);
  }

  /** The settings of the run in {@code root}; a run made before runs recorded them is refused, naming the file. */
  public static RunSettings read(RunDirectory run) throws IOException {
    Path file = run.settings();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          file + " is missing: the run was made by an older version of clusteremu, before runs recorded the settings they ran with; run it again with this version");
    }
    try {
      return JSON.readValue(file.toFile(), RunSettings.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + " cannot be read (" + e.getOriginalMessage() + "); expected the settings.json clusteremu writes when it launches a cluster");
    }
  }
}
