package clusteremu.node.scenario;

import clusteremu.node.config.ScenarioException;
import clusteremu.node.datacenter.ComponentKind;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a scenario can be wrong gets one message naming the file, the key and what was expected. */
class ScenarioLoaderTest {
  static final Path DEFAULT = Path.of("../config/default.conf");

  @TempDir Path dir;

  private Path scenario(String text) throws IOException {
    Path file = dir.resolve("test.conf");
    Files.writeString(file, text);
    return file;
  }

  /** The default scenario with {@code extra} on top. */
  private Path overDefault(String extra) throws IOException {
    return scenario("include file(\"" + DEFAULT.toAbsolutePath().normalize() + "\")\n" + extra + "\n");
  }

  private String error(Path file) {
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file));
    return e.getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
    }
  }

  @Test
  void theDefaultScenarioIsASmallThreeTierCluster() {
    Scenario scenario = ScenarioLoader.load(DEFAULT);
    assertEquals(List.of("dispatcher-1", "app-1", "app-2", "data-1"), scenario.nodes().stream().map(NodeSpec::name).toList());
    assertEquals(1, scenario.count(ComponentKind.DISPATCHER));
    assertEquals(2, scenario.count(ComponentKind.APP_SERVER));
    assertEquals(1, scenario.count(ComponentKind.DATA_SERVER));
    assertEquals("dispatcher-1", scenario.seedNodes().get(0).name());
    assertEquals("pekko://clusteremu@127.0.0.1:25521", scenario.addressOf(scenario.nodes().get(0)));
    assertEquals("256m", scenario.nodes().get(0).heap());
  }

  @Test
  void whatItRendersLoadsBackToTheSameScenario() throws IOException {
    Scenario original = ScenarioLoader.load(overDefault("clusteremu.app-server.cores = 3"));
    Scenario again = ScenarioLoader.load(scenario(original.render()));
    assertEquals(original.nodes().stream().map(NodeSpec::port).toList(), again.nodes().stream().map(NodeSpec::port).toList());
    assertEquals(3, again.nodes().get(1).componentSettings(ComponentKind.APP_SERVER).getInt("cores"));
  }

  @Test
  void aNodeCanOverrideItsComponentsSettingsForItself() throws IOException {
    Scenario scenario = ScenarioLoader.load(overDefault("clusteremu.nodes.app-2.app-server.cores = 8"));
    assertEquals(2, scenario.node("app-1").orElseThrow().componentSettings(ComponentKind.APP_SERVER).getInt("cores"));
    assertEquals(8, scenario.node("app-2").orElseThrow().componentSettings(ComponentKind.APP_SERVER).getInt("cores"));
  }

  @Test
  void timeDilationIsANumberOfAtLeastOneAndOneByDefault() throws IOException {
    assertEquals(1.0, ScenarioLoader.load(DEFAULT).timeDilation().factor());
    assertEquals(10.0, ScenarioLoader.load(overDefault("clusteremu.time-dilation = 10")).timeDilation().factor());
    assertMentions(error(overDefault("clusteremu.time-dilation = 0.5")), "test.conf:2:", "time-dilation", "from 1 to 1000", "0.5");
    assertMentions(error(overDefault("clusteremu.time-dilation = 5000")), "test.conf:2:", "time-dilation", "from 1 to 1000", "5000");
    assertMentions(error(overDefault("clusteremu.time-dilation = fast")), "test.conf:2:", "time-dilation");
  }

  @Test
  void classDataSharingIsOnByDefaultAndCanBeTurnedOffPerNode() throws IOException {
    assertTrue(ScenarioLoader.load(DEFAULT).nodes().stream().allMatch(NodeSpec::classDataSharing));
    Scenario scenario = ScenarioLoader.load(overDefault("clusteremu.nodes.app-2.class-data-sharing = off"));
    assertTrue(scenario.node("app-1").orElseThrow().classDataSharing());
    assertFalse(scenario.node("app-2").orElseThrow().classDataSharing());
    assertMentions(error(overDefault("clusteremu.node-defaults.class-data-sharing = maybe")), "test.conf:2:", "class-data-sharing", "on or off");
  }

  @Test
  void aMissingFileSaysSo() {
    assertMentions(error(dir.resolve("nope.conf")), "nope.conf", "no such scenario file");
  }

  @Test
  void aSyntaxErrorNamesFileAndLine() throws IOException {
    // Three lines, never closed: the parser notices at the end of the file, line 4.
    assertMentions(error(scenario("clusteremu {\n  nodes {\n    a = { port = 1 \n")), "test.conf:4:", "end of file");
  }

  @Test
  void anUnknownKeyIsNamedWithWhatWasExpected() throws IOException {
    assertMentions(
        error(overDefault("clusteremu.app-server.corez = 4")),
        "test.conf:2: unknown key 'clusteremu.app-server.corez'; did you mean 'cores'?");
    assertMentions(
        error(overDefault("clusteremu.app-server.colour = red")),
        "test.conf:2: unknown key 'clusteremu.app-server.colour'; expected one of: cores, data-calls, data-timeout, demand,"
            + " event-loops, queue-capacity, seed, threading, workers");
  }

  @Test
  void aTypoInTheShippedScenarioNamesItsFileAndLine() throws IOException {
    String text = Files.readString(DEFAULT);
    String typo = text.replace("request-demand = 0.8ms", "request-demnd = 0.8ms");
    int line = (int) typo.substring(0, typo.indexOf("request-demnd")).lines().count();
    Path file = dir.resolve("default.conf");
    Files.writeString(file, typo);
    assertEquals(
        file + ":" + line + ": unknown key 'clusteremu.dispatcher.request-demnd'; did you mean 'request-demand'?",
        error(file));
  }

  @Test
  void substitutionsAndAppendsAreCheckedOnceResolved() throws IOException {
    Scenario scenario =
        ScenarioLoader.load(overDefault("clusteremu.app-server.cores = ${clusteremu.dispatcher.cores}\nclusteremu.nodes.app-1.jvm-options += \"-Dx=1\""));
    assertEquals(1, scenario.node("app-1").orElseThrow().componentSettings(ComponentKind.APP_SERVER).getInt("cores"));
    assertEquals(List.of("-Dx=1"), scenario.node("app-1").orElseThrow().jvmOptions());
    // The walker checks the value resolved; Typesafe Config gives a substituted value the place of
    // what it copies (here mode's default).
    assertMentions(
        error(overDefault("clusteremu.app-server.cores = ${clusteremu.dispatcher.mode}")),
        "'clusteremu.app-server.cores' is \"proxy\" (a string); expected a number");
  }

  @Test
  void aNodeMayOverrideEveryKindOfComponent() throws IOException {
    for (ComponentKind kind : ComponentKind.values()) {
      Scenario scenario = ScenarioLoader.load(overDefault("clusteremu.nodes.app-1." + kind.configName() + ".seed = 7"));
      assertEquals(7, scenario.node("app-1").orElseThrow().componentSettings(kind).getInt("seed"));
    }
  }

  @Test
  void aMistypedTopLevelKeyIsCaught() throws IOException {
    assertMentions(error(scenario("clusteremux { }")), "test.conf:1: unknown key 'clusteremux'; did you mean 'clusteremu'?");
    assertMentions(error(scenario("akka { }")), "test.conf:1: unknown key 'akka'; expected one of: clusteremu, pekko");
  }

  @Test
  void anUnknownNodeKeyIsCaught() throws IOException {
    assertMentions(
        error(overDefault("clusteremu.nodes.app-1.prot = 3")),
        "unknown key 'clusteremu.nodes.app-1.prot'",
        "port");
  }

  @Test
  void anUnknownPolicyNamesTheChoices() throws IOException {
    assertMentions(
        error(overDefault("clusteremu.dispatcher.policy = fastest")),
        "test.conf:2",
        "policy",
        "round-robin, random, least-outstanding, power-of-two",
        "fastest",
        "clusteremu.dispatcher");
  }

  @Test
  void anUnknownDistributionNamesTheScenarioFileAndLineAndTheChoices() throws IOException {
    String message = error(overDefault("clusteremu.app-server.demand.distribution = expo"));
    assertMentions(
        message,
        "test.conf:2: Invalid value at 'demand.distribution': expected one of constant, exponential, lognormal; got 'expo'"
            + " (in clusteremu.app-server)");
    assertTrue(!message.contains("merge of") && !message.contains("reference.conf"), message);
    // In a block of its own, the line of the distribution itself, not of the block.
    assertMentions(
        error(overDefault("clusteremu.app-server.demand {\n  mean = 3ms\n  distribution = expo\n}")),
        "test.conf:4: Invalid value at 'demand.distribution'");
    assertMentions(
        error(overDefault("clusteremu.data-server.demand {\n  distribution = lognormal\n  sigma = -1\n}")),
        "test.conf:4: Invalid value at 'demand.sigma': expected a number of zero or more, got -1.0 (in clusteremu.data-server)");
  }

  @Test
  void anUnknownModeNamesTheChoices() throws IOException {
    assertMentions(error(overDefault("clusteremu.dispatcher.mode = direct")), "mode", "proxy, handoff");
  }

  @Test
  void aWrongTypeIsNamed() throws IOException {
    assertMentions(
        error(overDefault("clusteremu.app-server.cores = many")),
        "test.conf:2: 'clusteremu.app-server.cores' is \"many\" (a string); expected a number, such as 2");
  }

  @Test
  void aNonPositiveRateOrDurationIsRefused() throws IOException {
    assertMentions(error(overDefault("clusteremu.driver.rate = -5")), "rate", "zero or more", "clusteremu.driver");
    assertMentions(error(overDefault("clusteremu.driver.duration = 0s")), "duration", "above zero");
  }

  @Test
  void anOverrideOnANodeIsCheckedToo() throws IOException {
    assertMentions(
        error(overDefault("clusteremu.nodes.app-2.app-server.queue-capacity = 0")),
        "queue-capacity",
        "above zero",
        "clusteremu.nodes.app-2");
  }

  @Test
  void twoNodesOnOnePortAreRefused() throws IOException {
    assertMentions(error(overDefault("clusteremu.nodes.app-2.port = 25522")), "'app-1' and 'app-2'", "25522");
  }

  @Test
  void aNodeWithoutAPortIsRefused() throws IOException {
    assertMentions(error(overDefault("clusteremu.nodes.extra { components = [app-server] }")), "extra", "port", "1 to 65535");
  }

  @Test
  void anUnknownComponentIsRefused() throws IOException {
    assertMentions(
        error(overDefault("clusteremu.nodes.app-1.components = [app-server, cache]")),
        "cache",
        "dispatcher, app-server, data-server");
  }

  @Test
  void everyTierMustBeCarried() throws IOException {
    assertMentions(
        error(overDefault("clusteremu.nodes.data-1.components = [app-server]")),
        "no node carries a data-server");
  }

  @Test
  void anUnknownSeedNodeIsNamed() throws IOException {
    assertMentions(error(overDefault("clusteremu.seed-nodes = [dispatcher-9]")), "seed-nodes", "dispatcher-9");
  }

  @Test
  void aBadHeapIsRefused() throws IOException {
    assertMentions(error(overDefault("clusteremu.node-defaults.heap = lots")), "heap", "256m");
  }
}
