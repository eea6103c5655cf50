package clusteremu.node.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.config.ScenarioException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes on machines of their own: where each binds, and the refusals that keep a cluster from
 * running open on a network (beyond loopback without TLS, TLS without its files, a control API
 * without its token), each naming the file, the key and what was expected.
 */
class MachinesTest {
  @TempDir Path dir;

  /** The default scenario's nodes spread over machines a and b with {@code extra} on top. */
  private Path twoMachines(String a, String b, String extra) throws IOException {
    Path file = dir.resolve("two.conf");
    Files.writeString(
        file,
        """
        include file("%s")
        clusteremu.machines { a { address = "%s" }, b { address = "%s" } }
        clusteremu.nodes { dispatcher-1.machine = a, app-1.machine = a, app-2.machine = b, data-1.machine = b }
        %s
        """
            .formatted(Path.of("../config/default.conf").toAbsolutePath().normalize(), a, b, extra));
    return file;
  }

  private static final String TLS =
      "clusteremu.security { tls = on, key-store = certs/node.p12, trust-store = certs/trust.p12, password-file = certs/password }\n"
          + "clusteremu.control.token-file = certs/token";

  private String error(Path file) {
    return assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file)).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
    }
  }

  @Test
  void eachNodeBindsToItsMachinesAddress() throws IOException {
    Scenario scenario = ScenarioLoader.load(twoMachines("127.0.0.1", "127.0.0.2", ""));
    assertTrue(scenario.spansMachines());
    NodeSpec data = scenario.node("data-1").orElseThrow();
    assertEquals("b", data.machine());
    assertEquals("pekko://clusteremu@127.0.0.2:25524", scenario.addressOf(data));
    assertEquals(List.of("app-2", "data-1"), scenario.nodesOn("b").stream().map(NodeSpec::name).toList());
    assertEquals(4, scenario.nodesOn(null).size());
    assertEquals("a", scenario.memberMachine(null).name(), "a member beside a whole cluster binds where the first seed node does");
    assertEquals("127.0.0.2", scenario.memberMachine("b").address());
  }

  @Test
  void withoutMachinesEveryNodeRunsHereAtTheHostname() {
    Scenario scenario = ScenarioLoader.load(Path.of("../config/default.conf"));
    assertFalse(scenario.spansMachines());
    assertEquals(Machine.LOCAL, scenario.nodes().get(0).machine());
    assertTrue(scenario.machineOf(scenario.nodes().get(0)).loopback());
  }

  @Test
  void beyondLoopbackWithoutTlsIsRefusedSayingHowToTurnItOn() throws IOException {
    assertMentions(
        error(twoMachines("10.0.0.1", "10.0.0.2", "")),
        "two.conf", "binds to 10.0.0.1, beyond loopback", "security.tls is off", "tls = on", "scripts/certs init", "--address 10.0.0.1");
  }

  @Test
  void aDnsNameCountsAsBeyondLoopbackButLocalhostDoesNot() throws IOException {
    assertMentions(error(twoMachines("alpha.example", "beta.example", "")), "binds to alpha.example, beyond loopback");
    assertEquals(4, ScenarioLoader.load(twoMachines("localhost", "127.0.0.3", "")).nodes().size());
  }

  @Test
  void loopbackBesideARealAddressIsRefused() throws IOException {
    assertMentions(error(twoMachines("127.0.0.1", "10.0.0.2", TLS)), "'dispatcher-1' binds to 127.0.0.1 (loopback)", "'app-2' to 10.0.0.2");
  }

  @Test
  void anUnknownMachineIsNamedWithTheChoices() throws IOException {
    assertMentions(error(twoMachines("127.0.0.1", "127.0.0.2", "clusteremu.nodes.app-1.machine = c")), "two.conf", "machine", "[a, b]", "got 'c'", "app-1");
  }

  @Test
  void aMachineNeedsAnAddressOfIpv4OrAHostName() throws IOException {
    assertMentions(error(twoMachines("127.0.0.1", "", "")), "two.conf", "address", "clusteremu.machines.b", "IPv4");
    for (String bad : new String[] {"10.0.0.2:25520", " 10.0.0.2", "fd00::1", "[fd00::1]", "999.1.1.1", "a_b"}) {
      assertMentions(error(twoMachines("127.0.0.1", bad, TLS)), "clusteremu.machines.b", "got \"" + bad + "\"");
    }
  }

  @Test
  void listeningBeyondLoopbackThroughPekkosOwnSettingNeedsTlsToo() throws IOException {
    Path file = dir.resolve("bind.conf");
    Files.writeString(file, "include file(\"" + Path.of("../config/default.conf").toAbsolutePath().normalize() + "\")\npekko.remote.artery.bind.hostname = \"0.0.0.0\"\n");
    assertMentions(error(file), "bind.conf:2", "bind.hostname = 0.0.0.0", "security.tls is off");
  }

  @Test
  void relativeDefaultKeyStoresAreFoundBesideTheScenarioToo() throws IOException {
    Scenario scenario = ScenarioLoader.load(twoMachines("10.0.0.1", "10.0.0.2", TLS.replace("key-store = certs/node.p12, ", "") + "\nclusteremu.machine-defaults.key-store = certs/default.p12"));
    assertEquals(dir.resolve("certs/default.p12").toAbsolutePath(), scenario.machines().get("b").keyStore());
  }

  @Test
  void tlsNeedsItsTrustStorePasswordFileAndAKeyStoreForEveryMachine() throws IOException {
    assertMentions(error(twoMachines("10.0.0.1", "10.0.0.2", "clusteremu.security.tls = on")), "security.trust-store", "scripts/certs init");
    assertMentions(
        error(twoMachines("10.0.0.1", "10.0.0.2", "clusteremu.security { tls = on, trust-store = t.p12 }")), "security.password-file");
    assertMentions(
        error(twoMachines("10.0.0.1", "10.0.0.2", "clusteremu.security { tls = on, trust-store = t.p12, password-file = p }")),
        "security.key-store", "node 'dispatcher-1'", "--address 10.0.0.1");
  }

  @Test
  void aControlApiBeyondLoopbackNeedsItsToken() throws IOException {
    String noToken = TLS.replace("clusteremu.control.token-file = certs/token", "");
    assertMentions(error(twoMachines("10.0.0.1", "10.0.0.2", noToken)), "control.token-file", "bearer token", "'dispatcher-1' binds to 10.0.0.1");
  }

  @Test
  void filesAreFoundBesideTheScenarioAndAMachineMayHaveItsOwnKeyStore() throws IOException {
    Scenario scenario = ScenarioLoader.load(twoMachines("10.0.0.1", "10.0.0.2", TLS + "\nclusteremu.machines.b.key-store = certs/b.p12"));
    Path certs = dir.resolve("certs").toAbsolutePath();
    assertEquals(certs.resolve("trust.p12"), scenario.security().trustStore());
    assertEquals(certs.resolve("token"), scenario.security().tokenFile());
    assertEquals(certs.resolve("node.p12"), scenario.machines().get("a").keyStore());
    assertEquals(certs.resolve("b.p12"), scenario.machines().get("b").keyStore());
    // The run keeps the absolute paths: a node reads its copy of the scenario from elsewhere.
    Path copy = Files.createDirectories(dir.resolve("run")).resolve("scenario.conf");
    Files.writeString(copy, scenario.render());
    assertEquals(certs.resolve("b.p12"), ScenarioLoader.load(copy).machines().get("b").keyStore());
  }
}
