package clusteremu.node.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {
  @TempDir Path dir;

  /** A real jar for the archive's class path: class-data sharing archives classes from jars only. */
  private static String configJar() throws Exception {
    return Path.of(Config.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void theListsMergeOnceEachWithoutCommentsOrALineStillBeingWritten() throws Exception {
    Path a = Files.writeString(dir.resolve("a.lst"), "# NOTE: generated\njava/lang/Object\ncom/typesafe/config/Config\n");
    Path b = Files.writeString(dir.resolve("b.lst"), "java/lang/Object\njava/lang/String\ncom/typesafe/conf");
    assertEquals(List.of("java/lang/Object", "com/typesafe/config/Config", "java/lang/String"), ClassDataArchive.merge(List.of(a, b)));
  }

  @Test
  void newerJdksNumbersGoAndClassesOfCustomLoadersAreLeftOut() throws Exception {
    Path a = Files.writeString(dir.resolve("a.lst"), "java/lang/Object id: 0\njava/lang/String id: 1\nplugin/Thing id: 7 super: 0 source: /tmp/plugin.jar\n");
    Path b = Files.writeString(dir.resolve("b.lst"), "java/lang/Object id: 0\ncom/typesafe/config/Config id: 1\n@lambda-proxy java/lang/Runnable run\n");
    assertEquals(
        List.of("java/lang/Object", "java/lang/String", "com/typesafe/config/Config", "@lambda-proxy java/lang/Runnable run"),
        ClassDataArchive.merge(List.of(a, b)));
  }

  @Test
  void aNodeListsItsClassesUntilTheArchiveIsMadeThenMapsIt() throws Exception {
    ClassDataArchive archive = new ClassDataArchive(dir.resolve("cds"), "b1", configJar(), 42);
    Path list = dir.resolve("cds/classes-b1-app-1-42.lst");
    assertEquals(List.of("-XX:DumpLoadedClassList=" + list), archive.jvmOptions("app-1", true));
    assertEquals(List.of(), archive.jvmOptions("app-1", false), "a restarted node does not list: its first launch did");
    Files.writeString(dir.resolve("cds/node-b1.jsa"), "made");
    assertEquals(List.of("-XX:SharedArchiveFile=" + dir.resolve("cds/node-b1.jsa")), archive.jvmOptions("app-1", true));
    assertEquals(List.of("-XX:SharedArchiveFile=" + dir.resolve("cds/node-b1.jsa")), archive.jvmOptions("app-1", false));
  }

  @Test
  void twoLaunchersNodesOfOneNameWriteTwoLists() {
    Path cds = dir.resolve("cds");
    assertNotEquals(new ClassDataArchive(cds, "b1", "x.jar", 1).classList("app-1"), new ClassDataArchive(cds, "b1", "x.jar", 2).classList("app-1"));
  }

  @Test
  void theNextLaunchMakesAnArchiveAJvmMapsAndRemovesEarlierBuilds() throws Exception {
    String jar = configJar();
    Path cds = Files.createDirectories(dir.resolve("cds"));
    written(cds.resolve("classes-b2-app-1-7.lst"), "java/lang/Object\ncom/typesafe/config/Config\ncom/typesafe/config/ConfigFactory\n");
    written(cds.resolve("classes-b2-data-1-7.lst"), "java/lang/Object\ncom/typesafe/config/ConfigValue\n");
    Files.writeString(cds.resolve("node-b1.jsa"), "an earlier build's");
    Files.writeString(cds.resolve("classes-b1-app-1-5.lst"), "java/lang/Object\n");
    Files.writeString(cds.resolve("node-b2.jsa.part99"), "a dump whose launcher died");
    Files.writeString(cds.resolve("merged-123.lst"), "and its merged list");
    ClassDataArchive archive = new ClassDataArchive(cds, "b2", jar, 8);
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    archive.prepare(new PrintStream(said, true, StandardCharsets.UTF_8));

    String output = said.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("from the classes 2 node(s) loaded before") && output.contains("made node-b2.jsa"), output);
    assertTrue(Files.isRegularFile(archive.archive()), output);
    assertFalse(Files.exists(cds.resolve("classes-b2-app-1-7.lst")), "the lists it was made from are done with");
    assertFalse(Files.exists(cds.resolve("node-b1.jsa")), "an earlier build's archive is removed");
    assertFalse(Files.exists(cds.resolve("classes-b1-app-1-5.lst")), "and its lists");
    assertFalse(Files.exists(cds.resolve("node-b2.jsa.part99")), "a dead dump's part is removed");
    assertFalse(Files.exists(cds.resolve("merged-123.lst")), "and its merged list");
    // -Xshare:on refuses to start unless the archive maps, with this class path.
    Process java =
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:on", "-XX:SharedArchiveFile=" + archive.archive(), "-cp", jar, "-version")
            .redirectErrorStream(true)
            .start();
    assertTrue(java.waitFor(1, TimeUnit.MINUTES));
    String mapped = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, java.exitValue(), mapped);
    assertTrue(mapped.contains("sharing"), "the JVM says it shares classes: " + mapped);
  }

  @Test
  void aDumpThatFailsIsToldOnceAndTheBuildsNodesThenStartPlain() throws Exception {
    Path cds = Files.createDirectories(dir.resolve("cds"));
    // A list the JVM cannot parse: -Xshare:dump exits 1, and would again on the same classes.
    Path list = written(cds.resolve("classes-b3-app-1-7.lst"), "java/lang/Object\n@lambda-proxy nonsense\n");
    ClassDataArchive archive = new ClassDataArchive(cds, "b3", configJar(), 8);
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    archive.prepare(new PrintStream(said, true, StandardCharsets.UTF_8));

    String output = said.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("the dump failed with exit code 1") && output.contains("dump.log") && output.contains("start without it"), output);
    assertTrue(output.contains("not tried again for this build (delete " + archive.failedMarker() + " to try again)"), output);
    assertFalse(Files.exists(archive.archive()));
    assertFalse(Files.exists(list));
    assertEquals(List.of(), archive.jvmOptions("app-1", true), "no lists for a build whose dump failed");

    // A later launch says nothing and tries nothing, even when lists appear again.
    written(cds.resolve("classes-b3-app-1-9.lst"), "java/lang/Object\n");
    ByteArrayOutputStream later = new ByteArrayOutputStream();
    archive.prepare(new PrintStream(later, true, StandardCharsets.UTF_8));
    assertEquals("", later.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(archive.archive()));
  }

  @Test
  void listsWrittenJustNowAreLeftForALaterLaunchAndRemovedOnceTheArchiveIsMade() throws Exception {
    Path cds = Files.createDirectories(dir.resolve("cds"));
    // Nodes of another launcher may still be starting and writing this one.
    Path fresh = Files.writeString(cds.resolve("classes-b4-app-1-7.lst"), "java/lang/Object\n");
    ClassDataArchive archive = new ClassDataArchive(cds, "b4", configJar(), 8);
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    archive.prepare(new PrintStream(said, true, StandardCharsets.UTF_8));
    assertEquals("", said.toString(StandardCharsets.UTF_8));
    assertTrue(Files.exists(fresh) && !Files.exists(archive.archive()));

    // Made meanwhile by another launcher: a list nobody will read again goes.
    Files.writeString(archive.archive(), "made");
    archive.prepare(new PrintStream(said, true, StandardCharsets.UTF_8));
    assertFalse(Files.exists(fresh));
  }

  /** A list written as a node that ended a while ago left it. */
  private static Path written(Path list, String text) throws Exception {
    Files.writeString(list, text);
    Files.setLastModifiedTime(list, FileTime.fromMillis(System.currentTimeMillis() - ClassDataArchive.QUIET.toMillis() - 1000));
    return list;
  }

  @Test
  void aJarChangedByARebuildNamesAnotherBuild() throws Exception {
    Path jar = Files.copy(Path.of(configJar()), dir.resolve("node.jar"));
    String before = ClassDataArchive.buildOf(jar.toString());
    assertEquals(before, ClassDataArchive.buildOf(jar.toString()));
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));
    assertNotEquals(before, ClassDataArchive.buildOf(jar.toString()));
  }
}
