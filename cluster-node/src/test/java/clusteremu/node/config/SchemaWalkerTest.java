package clusteremu.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walker on a small schema: every message names the user's file and line. */
class SchemaWalkerTest {
  private static final ConfigObject SCHEMA =
      ConfigFactory.parseString(
              """
              app {
                dispatcher { policy = round-robin, queue-capacity = 2000, timeout = 30s, retry-writes = off }
                memory = 4GiB
                heap = 256m
                tags = [a]
                free = []
                nodes."*" { port = 0, app-server { cores = 2 } }
                extras { "**" = unchecked }
              }
              """)
          .root();

  @TempDir Path dir;

  private Config file(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return ConfigFactory.parseFile(file.toFile());
  }

  private String error(String text) throws IOException {
    Config given = file("user.conf", text);
    return assertThrows(ScenarioException.class, () -> SchemaWalker.check(given, SCHEMA)).getMessage();
  }

  private String at(int line) {
    return dir.resolve("user.conf") + ":" + line + ": ";
  }

  @Test
  void anUnknownKeyNearAKnownOneAsksWhetherItWasMeant() throws IOException {
    assertEquals(
        at(2) + "unknown key 'app.dispatcher.polcy'; did you mean 'policy'?",
        error("app {\n  dispatcher.polcy = random\n}\n"));
    assertEquals(at(1) + "unknown key 'ap'; did you mean 'app'?", error("ap.memory = 1GiB"));
    assertEquals(at(1) + "unknown key 'app.nodes.n1.prot'; did you mean 'port'?", error("app.nodes.n1.prot = 5"));
  }

  @Test
  void anUnknownKeyNearNothingListsTheKeysThereAre() throws IOException {
    assertEquals(
        at(1) + "unknown key 'app.dispatcher.colour'; expected one of: policy, queue-capacity, retry-writes, timeout",
        error("app.dispatcher.colour = red"));
  }

  @Test
  void aValueOfTheWrongKindSaysWhatWasGivenAndWhatWasExpected() throws IOException {
    assertEquals(
        at(1) + "'app.dispatcher.queue-capacity' is \"many\" (a string); expected a number, such as 2000",
        error("app.dispatcher.queue-capacity = many"));
    assertEquals(
        at(1) + "'app.dispatcher.timeout' is \"soon\" (a string); expected a duration, such as 30s",
        error("app.dispatcher.timeout = soon"));
    assertEquals(at(1) + "'app.memory' is \"lots\" (a string); expected a memory size, such as 4GiB", error("app.memory = lots"));
    assertEquals(at(1) + "'app.dispatcher.retry-writes' is 3 (a number); expected on or off", error("app.dispatcher.retry-writes = 3"));
    assertEquals(at(1) + "'app.tags' is \"a\" (a string); expected a list", error("app.tags = a"));
    assertEquals(at(1) + "'app.tags[1]' is a list; expected a string, such as a", error("app.tags = [b, [c]]"));
    assertEquals(at(1) + "'app.dispatcher' is \"fast\" (a string); expected an object", error("app.dispatcher = fast"));
    assertEquals(at(1) + "'app.heap' is an object; expected a string, such as 256m", error("app.heap { size = 1g }"));
  }

  @Test
  void whatTypesafeConfigReadsIsAccepted() throws IOException {
    // Numbers as strings, durations in milliseconds, on/off/yes/no, sizes as -Xmx writes them.
    Config given =
        file(
            "user.conf",
            "app { dispatcher { queue-capacity = \"12\", timeout = 500, retry-writes = yes }, memory = 4096, heap = 1g, free = [1, {a = b}] }");
    SchemaWalker.check(given, SCHEMA);
  }

  @Test
  void aBlockOfNamesTakesAnyNameEachOfTheShapeGiven() throws IOException {
    SchemaWalker.check(file("user.conf", "app.nodes { n1 { port = 1 }, \"n.2\" { port = 2, app-server.cores = 4 } }"), SCHEMA);
    SchemaWalker.check(file("user.conf", "app.extras { anything { at = [all] } }"), SCHEMA);
  }

  @Test
  void aWrongKeyInsideANamedEntryIsNamedWithItsPath() throws IOException {
    assertEquals(
        at(3) + "unknown key 'app.nodes.\"n.2\".app-server.corez'; did you mean 'cores'?",
        error("app.nodes {\n  n1 { port = 1 }\n  \"n.2\" { app-server.corez = 4 }\n}\n"));
    assertEquals(
        at(1) + "'app.nodes.n1.port' is \"high\" (a string); expected a number, such as 0", error("app.nodes.n1.port = high"));
  }

  @Test
  void aSubstitutionIsLeftToTheLoadersWhichReadItResolvedButItsKeyIsChecked() throws IOException {
    SchemaWalker.check(file("user.conf", "app { tags += b, memory = ${app.heap}, dispatcher = ${app.extras} }"), SCHEMA);
    assertEquals(at(1) + "unknown key 'app.tagz'; did you mean 'tags'?", error("app.tagz = ${app.tags}"));
  }

  @Test
  void aKeyInAMergedBlockIsPlacedInTheUsersFileNeverInAMerge() throws IOException {
    // The user's file includes another; both write app.dispatcher, so Typesafe Config merges it.
    file("base.conf", "app.dispatcher.policy = random\n");
    Config given = file("user.conf", "include \"base.conf\"\n\napp.dispatcher.polcy = random\n");
    String message = assertThrows(ScenarioException.class, () -> SchemaWalker.check(given, SCHEMA)).getMessage();
    assertEquals(at(3) + "unknown key 'app.dispatcher.polcy'; did you mean 'policy'?", message);
    assertFalse(message.contains("merge of"), message);
  }
}
