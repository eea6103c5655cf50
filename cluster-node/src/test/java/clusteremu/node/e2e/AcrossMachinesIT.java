package clusteremu.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import clusteremu.node.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster across two "machines" over mutually authenticated TLS: two network namespaces joined
 * by a veth pair, each with its own address, as two hosts on a LAN would be. The dispatcher and an
 * app server run on one, the other app server and the data server on the other, each machine
 * started, watched and stopped with the project's scripts run inside its namespace. The driver's
 * books balance from the second machine; a VM moves live from one machine to the other; a node
 * whose certificate comes from another authority never becomes a member, and the node it dialled
 * logs the refusal; {@code cluster down} on one machine stops both. Skipped, saying why, where
 * namespaces cannot be made (not root).
 */
class AcrossMachinesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Scripts.Result certs(String... args) {
    return new Scripts(dir.resolve("runs-certs")).run(Duration.ofMinutes(1), "certs", args);
  }

  /**
   * config/datacenter.conf with rack-a1 (the dispatcher and app-1) on machine a, rack-a2 (app-2)
   * and rack-b1 (the data server, and a host for app-1 to move to) on machine b, over TLS.
   */
  private Path scenario(Namespaces ns) throws IOException {
    String text =
        """
        include file("%s")
        clusteremu {
          machines {
            a { address = "%s", key-store = certs/a.p12 }
            b { address = "%s", key-store = certs/b.p12 }
          }
          nodes {
            rack-a1 { port = 25521, machine = a }
            rack-a2 { port = 25522, machine = b }
            rack-b1 { port = 25523, machine = b }
          }
          security { tls = on, trust-store = certs/trust.p12, password-file = certs/password }
          control { port = 8558, node = rack-a1, token-file = certs/token }
          datacenter.rows.row-b.racks.b1.hosts.b1-h2 { cores = 8, memory = 16GiB }
          datacenter.vms { app-1.memory = 256MiB, app-2.memory = 256MiB, data-1.memory = 512MiB }
        }
        """
            .formatted(Scripts.ROOT.resolve("config/datacenter.conf"), ns.address(1), ns.address(2));
    Path file = dir.resolve("two-machines.conf");
    Files.writeString(file, text);
    return file;
  }

  /**
   * The same cluster as a node with a certificate from a second authority sees it: machine c (a
   * third address in b's namespace) carrying rack-a2. It trusts the cluster's authority as well as
   * its own (someone who copied trust.p12 but cannot have the authority sign for them), so it
   * accepts the seed node's certificate and presents its own, which the seed node must refuse.
   */
  private Path intruder(Path scenario, Namespaces ns) throws IOException {
    String text =
        """
        include file("%s")
        clusteremu.machines.c { address = "%s", key-store = other/c.p12 }
        clusteremu.nodes.rack-a2.machine = c
        clusteremu.security { trust-store = other/trust.p12, password-file = other/password }
        """
            .formatted(scenario, ns.address(3));
    Path file = dir.resolve("intruder.conf");
    Files.writeString(file, text);
    return file;
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "keytool finishes");
    assertEquals(0, process.exitValue(), output);
  }

  private static boolean noneAlive(Scripts machine) {
    try {
      return machine.livePids().isEmpty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aClusterSpansTwoMachinesOverMutualTls() throws Exception {
    String unavailable = Namespaces.unavailable();
    assumeTrue(unavailable == null, () -> "skipped: " + unavailable);
    List<Scripts> machines = List.of();
    try (Namespaces ns = Namespaces.create()) {
      Scripts a = new Scripts(dir.resolve("runs-a"), Namespaces.inside(ns.a));
      Scripts b = new Scripts(dir.resolve("runs-b"), Namespaces.inside(ns.b));
      Scripts c = new Scripts(dir.resolve("runs-c"), Namespaces.inside(ns.b));
      machines = List.of(a, b, c);
      try {
        Path certs = dir.resolve("certs");
        Path other = dir.resolve("other");
        for (Scripts.Result made :
            List.of(
                certs("init", certs.toString()),
                certs("node", certs.toString(), "a", "--address", ns.address(1)),
                certs("node", certs.toString(), "b", "--address", ns.address(2)),
                certs("init", other.toString()),
                certs("node", other.toString(), "c", "--address", ns.address(3)))) {
          assertEquals(0, made.exitCode(), made.output());
        }
        keytool("-importcert", "-noprompt", "-alias", "cluster", "-file", certs.resolve("ca.pem").toString(),
            "-keystore", other.resolve("trust.p12").toString(), "-storepass:file", other.resolve("password").toString());
        Path scenario = scenario(ns);

        // Stores that would fail only at the first connection are refused before anything starts.
        Path wrongPassword = dir.resolve("wrong-password.conf");
        Files.writeString(wrongPassword, "include file(\"" + scenario + "\")\nclusteremu.security.password-file = other/password\n");
        Scripts.Result refused = a.run(Duration.ofMinutes(1), "cluster", "up", wrongPassword.toString(), "--machine", "a");
        assertEquals(2, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("wrong password in " + other.resolve("password")), refused.output());
        assertTrue(a.livePids().isEmpty(), "nothing started");

        Scripts.Result upA = a.run(Duration.ofMinutes(3), "cluster", "up", scenario.toString(), "--machine", "a");
        assertEquals(0, upA.exitCode(), upA.output());
        assertTrue(upA.output().contains("machine(s) b not Up yet"), upA.output());
        Scripts.Result upB = b.run(Duration.ofMinutes(3), "cluster", "up", scenario.toString(), "--machine", "b");
        assertEquals(0, upB.exitCode(), upB.output());
        assertTrue(upB.output().contains("every machine's nodes are Up, and every component is seen"), upB.output());

        // Every member, with its machine, from either machine.
        for (Scripts machine : List.of(a, b)) {
          Scripts.Result status = machine.run(Duration.ofMinutes(1), "cluster", "status");
          assertEquals(0, status.exitCode(), status.output());
          assertTrue(status.output().contains("3 of 3 nodes running and Up"), status.output());
          assertTrue(status.output().contains("a " + ns.address(1)) && status.output().contains("b " + ns.address(2)), status.output());
        }

        // The driver on machine b, on a port a firewall could let in: its requests cross both machines, every one answered.
        Path out = dir.resolve("load");
        Scripts.Result load = b.run(Duration.ofMinutes(2), "driver", "--rate", "50", "--duration", "5s", "--warmup", "2s", "--port", "25530", "--out", out.toString());
        assertEquals(0, load.exitCode(), load.output());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("sent").asLong() >= 300, summary.toString());
        assertEquals(summary.get("sent").asLong(), summary.get("ok").asLong(), "every request ok: " + summary);

        // A VM moves live from machine a to machine b, asked from b through the HTTPS control API on a.
        Scripts.Result moved = b.run(Duration.ofMinutes(2), "migrate", "app-1", "b1-h2", "--wait");
        assertEquals(0, moved.exitCode(), moved.output());
        assertTrue(moved.output().contains("completed") && moved.output().contains(" verified"), moved.output());
        Scripts.Result listed = a.run(Duration.ofMinutes(1), "migrate", "--list");
        assertTrue(listed.output().contains("app-1"), listed.output());

        // A node whose certificate another authority issued never joins; the node it dialled says why.
        Scripts.Result intruding = c.run(Duration.ofMinutes(2), "cluster", "up", intruder(scenario, ns).toString(), "--machine", "c", "--timeout", "25s");
        assertEquals(1, intruding.exitCode(), intruding.output());
        assertTrue(intruding.output().contains("not ready"), intruding.output());
        Scripts.Result after = a.run(Duration.ofMinutes(1), "cluster", "status");
        assertTrue(after.output().contains("3 of 3 nodes running and Up"), after.output());
        assertFalse(after.output().contains(ns.address(3)), after.output());
        String seedLog = Files.readString(dir.resolve("runs-a/latest/logs/rack-a1.log"));
        assertTrue(seedLog.contains("refused a peer's TLS certificate"), "the seed node logs the refused peer");

        // Down on machine a stops machine b's nodes too: they leave the cluster and exit.
        Scripts.Result down = a.run(Duration.ofMinutes(2), "cluster", "down");
        assertEquals(0, down.exitCode(), down.output());
        assertTrue(down.output().contains("asked 2 node(s) on other machines to leave"), down.output());
        Await.until(Duration.ofSeconds(30), () -> noneAlive(a) && noneAlive(b), "every node JVM of both machines exits");
      } catch (Exception | AssertionError e) {
        for (Scripts machine : machines) {
          machine.printLogTails(40);
        }
        throw e;
      } finally {
        for (Scripts machine : machines) {
          machine.killLeftovers();
        }
      }
    }
  }
}
