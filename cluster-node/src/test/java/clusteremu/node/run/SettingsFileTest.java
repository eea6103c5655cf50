package clusteremu.node.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** settings.json is read back, or its absence or damage explained (its round trip: LaunchSettingsTest). */
class SettingsFileTest {
  @TempDir Path dir;

  @Test
  void aRunFromBeforeSettingsWereRecordedIsNamedAsSuch() {
    RunDirectory old = new RunDirectory(dir.resolve("old-run"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SettingsFile.read(old));
    assertEquals(
        old.settings() + " is missing: the run was made by an older version of clusteremu, before runs recorded the settings they ran with; run it again with this version",
        e.getMessage());
  }

  @Test
  void aFileCutShortIsNamedWithWhatWasExpected() throws Exception {
    RunDirectory run = new RunDirectory(dir.resolve("cut-run"));
    Files.createDirectories(run.settings().getParent());
    Files.writeString(run.settings(), "{ \"scenario\": \"default\", \"components\": [");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SettingsFile.read(run));
    assertTrue(e.getMessage().startsWith(run.settings() + " cannot be read ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("); expected the settings.json clusteremu writes when it launches a cluster"), e.getMessage());
  }
}
