package clusteremu.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What scripts/certs writes, and each request it refuses (status 2, one line saying what was expected) without writing anything. */
class CertsScriptTest {
  @TempDir Path temp;

  @Test
  void initMakesAnAuthorityOnlyItsOwnerReadsAndRefusesToMakeASecond() throws IOException {
    Path dir = temp.resolve("cluster");
    String output = CertsScript.make("init", dir.toString());
    assertTrue(output.contains("wrote " + dir.resolve("ca.p12") + ": the authority CN=clusteremu CA cluster-"), output);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    for (String file : new String[] {"ca.p12", "ca-password", "trust.p12", "password", "token"}) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file))), file);
    }
    // The authority's certificate alone, public, for HTTPS clients.
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.pem"))));
    assertTrue(Files.readString(dir.resolve("ca.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
    assertTrue(Files.readAllLines(dir.resolve("password")).get(0).matches("[A-Za-z0-9]{24}"));
    // The authority's key has its own password: a node's files cannot open ca.p12.
    assertTrue(!Files.readString(dir.resolve("ca-password")).equals(Files.readString(dir.resolve("password"))));
    assertTrue(Files.readAllLines(dir.resolve("token")).get(0).matches("[A-Za-z0-9]{32,}"));
    byte[] authority = Files.readAllBytes(dir.resolve("ca.p12"));

    CertsScript.Result again = CertsScript.run("init", dir.toString());
    assertEquals(2, again.exitCode(), again.output());
    assertEquals(
        "certs: init: " + dir.resolve("ca.p12")
            + " already exists; expected a DIR without an authority (an authority is never overwritten: choose another DIR)\n",
        again.output());
    assertTrue(java.util.Arrays.equals(authority, Files.readAllBytes(dir.resolve("ca.p12"))), "ca.p12 unchanged");
  }

  @Test
  void nodeWithoutAnAddressIsRefused() {
    Path dir = Authorities.made().a;
    CertsScript.Result result = CertsScript.run("node", dir.toString(), "nowhere");
    assertEquals(2, result.exitCode(), result.output());
    assertEquals(
        "certs: node: no --address; expected at least one address the node binds to and peers dial, e.g. --address 10.0.0.5\n",
        result.output());
    assertFalse(Files.exists(dir.resolve("nowhere.p12")));
  }

  @Test
  void nodeWithoutAnAuthorityIsRefused() {
    Path dir = temp.resolve("empty");
    CertsScript.Result result = CertsScript.run("node", dir.toString(), "n1", "--address", "10.0.0.5");
    assertEquals(2, result.exitCode(), result.output());
    assertEquals("certs: node: " + dir + " holds no authority (ca.p12, ca-password, trust.p12, password); run scripts/certs init " + dir + " first\n", result.output());
    assertFalse(Files.exists(dir));
  }

  @Test
  void nodeRefusesABadNameAndAStoreThatExists() throws IOException {
    Path dir = Authorities.made().a;
    CertsScript.Result badName = CertsScript.run("node", dir.toString(), "-x/y", "--address", "10.0.0.5");
    assertEquals(2, badName.exitCode(), badName.output());
    CertsScript.Result slash = CertsScript.run("node", dir.toString(), "a/b", "--address", "10.0.0.5");
    assertEquals("certs: node: NAME 'a/b' is not a letter or digit followed by letters, digits, '_', '.' or '-'\n", slash.output());
    byte[] seed = Files.readAllBytes(dir.resolve("seed.p12"));
    CertsScript.Result exists = CertsScript.run("node", dir.toString(), "seed", "--address", "10.0.0.5");
    assertEquals(2, exists.exitCode(), exists.output());
    assertEquals("certs: node: " + dir.resolve("seed.p12") + " already exists; expected a new NAME (remove the old store first to replace it)\n", exists.output());
    assertTrue(java.util.Arrays.equals(seed, Files.readAllBytes(dir.resolve("seed.p12"))), "seed.p12 unchanged");
  }

  @Test
  void helpDocumentsEveryCommandAndOption() {
    CertsScript.Result help = CertsScript.run("--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.output().contains("init DIR") && help.output().contains("node DIR NAME --address ADDR"), help.output());
    CertsScript.Result node = CertsScript.run("node", "--help");
    assertEquals(0, node.exitCode());
    for (String option : new String[] {"--address ADDR", "--days N", "--start-date DATE", "(default 825)"}) {
      assertTrue(node.output().contains(option), option + " in:\n" + node.output());
    }
    assertEquals(0, CertsScript.run("init", "--help").exitCode());
    assertEquals(2, CertsScript.run().exitCode());
  }
}
