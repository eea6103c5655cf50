package clusteremu.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's file over a reference.conf in a jar, as a scenario is over the installed modules'. */
class OriginsTest {
  @TempDir Path dir;
  private Path userFile;
  private Config merged;

  @BeforeEach
  void userFileOverAReferenceInAJar() throws IOException {
    Path jar = dir.resolve("tiers.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream entries = new JarOutputStream(out)) {
      entries.putNextEntry(new JarEntry("reference.conf"));
      entries.write("app {\n  demand { distribution = exponential, mean = 2ms }\n  cores = 2\n}\n".getBytes(StandardCharsets.UTF_8));
    }
    Config reference;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      reference = ConfigFactory.parseResources(loader, "reference.conf");
    }
    userFile = dir.resolve("scenario.conf");
    Files.writeString(userFile, "# a scenario\napp.demand.distribution = expo\n");
    merged = ConfigFactory.parseFile(userFile.toFile()).withFallback(reference).resolve();
    assertTrue(merged.getValue("app.demand").origin().description().startsWith("merge of"), "the case this is about");
  }

  @Test
  void aMergedBlockIsPlacedWhereTheUserWroteIt() {
    assertEquals(userFile + ":2", Origins.of(merged.getValue("app.demand")));
    assertEquals(userFile + ":2", Origins.of(merged.root()));
  }

  @Test
  void aDefaultIsPlacedInItsReferenceConfWithoutTheJar() {
    assertEquals("reference.conf:3", Origins.of(merged.getValue("app.cores")));
  }

  @Test
  void anErrorAboutAMergedBlockNamesTheUsersFileNeverAMergeOrAJar() {
    Config demand = merged.getConfig("app.demand");
    ConfigException e = new ConfigException.BadValue(demand.origin(), "demand.distribution", "expected one of constant, exponential, lognormal");
    String message = Origins.message(e);
    assertEquals(userFile + ":2: Invalid value at 'demand.distribution': expected one of constant, exponential, lognormal", message);
    assertTrue(!message.contains("merge of") && !message.contains("jar:"), message);
  }

  @Test
  void anErrorAboutAUsersValueNamesItsFileAndLine() {
    ConfigException e = new ConfigException.BadValue(merged.getValue("app.demand.distribution").origin(), "distribution", "no");
    assertEquals(userFile + ":2: Invalid value at 'distribution': no", Origins.message(e));
  }
}
