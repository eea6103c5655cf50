package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.scenario.ScenarioLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the scripts: one clear line, exit status 2, no JVM left running. */
class BadInputIT {
  private static final Duration LIMIT = Duration.ofMinutes(1);

  @TempDir Path dir;
  private Scripts scripts;

  @BeforeEach
  void scripts() {
    scripts = new Scripts(dir.resolve("runs"));
  }

  @AfterEach
  void nothingLeftBehind() throws IOException {
    List<Long> live = scripts.livePids();
    scripts.killLeftovers();
    assertEquals(List.of(), live, "a refused command must start no JVM");
  }

  private void assertRefused(Scripts.Result result, String... mentions) {
    assertEquals(2, result.exitCode(), result.output());
    for (String mention : mentions) {
      assertTrue(result.output().contains(mention), "expected '" + mention + "' in:\n" + result.output());
    }
  }

  @Test
  void aMissingScenarioFile() {
    assertRefused(scripts.run(LIMIT, "cluster", "up", "config/nope.conf"), "config/nope.conf", "no such scenario file");
    assertFalse(Files.exists(dir.resolve("runs/latest")), "no run is created for a refused scenario");
  }

  @Test
  void badBenchmarkOptionsStartNoCluster() {
    assertRefused(scripts.run(LIMIT, "bench", "--rounds", "0"), "--rounds must be above zero");
    assertRefused(scripts.run(LIMIT, "bench-datacenter", "--hosts", "0"), "--hosts must be above zero");
    Scripts.Result help = scripts.run(LIMIT, "bench-datacenter", "--help");
    assertEquals(0, help.exitCode(), help.output());
    assertTrue(help.output().contains("--vms-per-host"), help.output());
    assertFalse(Files.exists(dir.resolve("runs/latest")), "no run is created");
  }

  @Test
  void anUnknownKey() throws IOException {
    Path scenario = Scripts.defaultScenarioOnFreePorts(dir, "clusteremu.dispatcher.polcy = random");
    assertRefused(scripts.run(LIMIT, "cluster", "up", scenario.toString()), "it.conf", "unknown key 'clusteremu.dispatcher.polcy'", "policy");
  }

  @Test
  void aPortInUse() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      Path scenario = Scripts.defaultScenarioOnFreePorts(dir, "clusteremu.nodes.app-2.port = " + taken.getLocalPort());
      assertRefused(
          scripts.run(LIMIT, "cluster", "up", scenario.toString()),
          "port " + taken.getLocalPort(),
          "'app-2'",
          "in use");
    }
  }

  @Test
  void aNodeThatDiesDuringStartUpStopsTheRestAndShowsItsLog() throws IOException {
    // A 1 KiB heap is a valid -Xmx size that no JVM can start with.
    Path scenario = Scripts.defaultScenarioOnFreePorts(dir, "clusteremu.nodes.app-2.heap = 1k");
    Scripts.Result up = scripts.run(Duration.ofMinutes(2), "cluster", "up", scenario.toString());
    assertEquals(1, up.exitCode(), up.output());
    assertTrue(up.output().contains("node 'app-2' exited during start-up"), up.output());
    assertTrue(up.output().contains("Too small"), "the tail of the node's log is shown:\n" + up.output());
    assertTrue(up.output().contains("stopped the 4 JVMs it started"), up.output());
  }

  @Test
  void driverOptionsOutOfRange() throws IOException {
    Path run = dir.resolve("fake-run");
    Files.createDirectories(run);
    Files.writeString(run.resolve("scenario.conf"), ScenarioLoader.load(Scripts.defaultScenarioOnFreePorts(dir)).render());
    String runDir = run.toString();
    assertRefused(scripts.run(LIMIT, "driver", "--run", runDir, "--rate", "-5"), "--rate", "above zero");
    assertRefused(scripts.run(LIMIT, "driver", "--run", runDir, "--duration", "0s"), "--duration", "above zero");
    assertRefused(scripts.run(LIMIT, "driver", "--run", runDir, "--duration", "3x"), "--duration", "not a duration");
    assertRefused(scripts.run(LIMIT, "driver", "--run", runDir, "--mode", "sideways"), "--mode", "proxy, handoff");
    assertRefused(scripts.run(LIMIT, "driver", "--run", runDir, "--port", "70000"), "--port 70000", "1 to 65535");
    assertRefused(scripts.run(LIMIT, "driver", "--run", runDir, "--rate", "10", "--users", "3"), "--rate and --users");
    assertRefused(scripts.run(LIMIT, "driver", "--run", runDir, "--bogus"), "--bogus");
  }

  @Test
  void aDriverWithNoClusterToLoad() {
    assertRefused(scripts.run(LIMIT, "driver", "--rate", "10"), "no running cluster");
  }

  @Test
  void statusAndDownWithNoCluster() {
    Scripts.Result status = scripts.run(LIMIT, "cluster", "status");
    assertEquals(1, status.exitCode(), status.output());
    assertTrue(status.output().contains("no cluster has been started"), status.output());
    assertEquals(0, scripts.run(LIMIT, "cluster", "down").exitCode());
  }
}
