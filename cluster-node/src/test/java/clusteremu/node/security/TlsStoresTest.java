package clusteremu.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.config.ScenarioException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each thing {@link TlsStores#check} refuses, on stores made by the real scripts/certs, with the message the user reads. */
class TlsStoresTest {
  private static final String PASSWORD_EXPECTED =
      "expected a file whose first line is the password of the key store, its key and the trust store, as scripts/certs init writes";

  private static Authorities made;

  @TempDir Path temp;

  @BeforeAll
  static void makeStores() {
    made = Authorities.made();
  }

  @Test
  void aNodesOwnStoresPassForItsAddress() {
    Authorities.stores(made.a, "seed").check("127.0.0.1", Instant.now());
    Authorities.stores(made.a, "member").check("localhost", Instant.now());
    Authorities.stores(made.a, "member").check("LOCALHOST", Instant.now());
  }

  @Test
  void passwordIsTheFirstLineTrimmed() throws IOException {
    Path password = temp.resolve("password");
    Files.writeString(password, "  s3cret \nsecond line\n");
    assertEquals("s3cret", new TlsStores(temp.resolve("n.p12"), temp.resolve("trust.p12"), password).password());
  }

  @Test
  void aMissingKeyStoreIsNamed() {
    Path missing = made.a.resolve("nobody.p12");
    ScenarioException e = assertThrows(ScenarioException.class, () -> Authorities.stores(made.a, "nobody").check("127.0.0.1", Instant.now()));
    assertEquals(
        missing + " does not exist: expected the node's PKCS12 key store, as scripts/certs node DIR NAME writes (DIR/NAME.p12)", e.getMessage());
  }

  @Test
  void aMissingPasswordFileIsNamed() {
    Path missing = temp.resolve("password");
    TlsStores stores = new TlsStores(made.a.resolve("seed.p12"), made.a.resolve("trust.p12"), missing);
    ScenarioException e = assertThrows(ScenarioException.class, () -> stores.check("127.0.0.1", Instant.now()));
    assertEquals(missing + " does not exist: " + PASSWORD_EXPECTED, e.getMessage());
    assertEquals(e.getMessage(), assertThrows(ScenarioException.class, stores::password).getMessage());
  }

  @Test
  void anEmptyPasswordFileIsNamed() throws IOException {
    Path empty = Files.writeString(temp.resolve("password"), "\n");
    TlsStores stores = new TlsStores(made.a.resolve("seed.p12"), made.a.resolve("trust.p12"), empty);
    ScenarioException e = assertThrows(ScenarioException.class, () -> stores.check("127.0.0.1", Instant.now()));
    assertEquals(empty + " is empty: " + PASSWORD_EXPECTED, e.getMessage());
  }

  @Test
  void aWrongPasswordNamesBothFiles() throws IOException {
    Path wrong = Files.writeString(temp.resolve("password"), "not-the-password\n");
    Path keyStore = made.a.resolve("seed.p12");
    TlsStores stores = new TlsStores(keyStore, made.a.resolve("trust.p12"), wrong);
    ScenarioException e = assertThrows(ScenarioException.class, () -> stores.check("127.0.0.1", Instant.now()));
    assertEquals(
        "wrong password in " + wrong + " for " + keyStore + ": expected the password it was made with, which scripts/certs writes beside it",
        e.getMessage());
  }

  @Test
  void aFileThatIsNoPkcs12StoreIsNamed() throws IOException {
    Path garbage = Files.writeString(temp.resolve("n1.p12"), "not a key store\n");
    TlsStores stores = new TlsStores(garbage, made.a.resolve("trust.p12"), made.a.resolve("password"));
    ScenarioException e = assertThrows(ScenarioException.class, () -> stores.check("127.0.0.1", Instant.now()));
    assertTrue(e.getMessage().startsWith(garbage + " is not a PKCS12 store ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("): expected the node's PKCS12 key store, as scripts/certs node DIR NAME writes (DIR/NAME.p12)"), e.getMessage());
  }

  @Test
  void aTrustStoreGivenAsKeyStoreHoldsNoPrivateKey() {
    Path trust = made.a.resolve("trust.p12");
    TlsStores stores = new TlsStores(trust, trust, made.a.resolve("password"));
    ScenarioException e = assertThrows(ScenarioException.class, () -> stores.check("127.0.0.1", Instant.now()));
    assertEquals(
        trust + " holds no private key: expected one key pair with its certificate chain (alias node), as scripts/certs node writes",
        e.getMessage());
  }

  @Test
  void theAuthoritysKeyStoreGivenAsTrustStoreDoesNotOpenWithTheNodesPassword() {
    // ca.p12 has a password of its own (ca-password), which the nodes never get.
    Path ca = made.a.resolve("ca.p12");
    TlsStores stores = new TlsStores(made.a.resolve("seed.p12"), ca, made.a.resolve("password"));
    ScenarioException e = assertThrows(ScenarioException.class, () -> stores.check("127.0.0.1", Instant.now()));
    assertEquals(
        "wrong password in " + made.a.resolve("password") + " for " + ca + ": expected the password it was made with, which scripts/certs writes beside it",
        e.getMessage());
  }

  @Test
  void anExpiredCertificateSaysWhenAndHowToMakeANewOne() throws Exception {
    Path old = made.a.resolve("old.p12");
    Instant notAfter = nodeCertificate(old, made.a).getNotAfter().toInstant();
    assertTrue(notAfter.isBefore(Instant.now().minusSeconds(86_400)), "--start-date -3d --days 1 ended " + notAfter);
    ScenarioException e = assertThrows(ScenarioException.class, () -> Authorities.stores(made.a, "old").check("127.0.0.1", Instant.now()));
    assertEquals(
        old + "'s certificate (subject CN=old) expired at " + notAfter + ": make a new one with scripts/certs node " + made.a
            + " old --address 127.0.0.1 (after removing " + old + ")",
        e.getMessage());
  }

  @Test
  void aCertificateNotYetValidSaysFromWhen() throws Exception {
    Path seed = made.a.resolve("seed.p12");
    Instant notBefore = nodeCertificate(seed, made.a).getNotBefore().toInstant();
    Instant before = notBefore.minusSeconds(3600);
    ScenarioException e = assertThrows(ScenarioException.class, () -> Authorities.stores(made.a, "seed").check("127.0.0.1", before));
    assertEquals(
        seed + "'s certificate (subject CN=seed) is not valid before " + notBefore + " (now is " + before
            + "): expected a certificate valid now; check this machine's clock, or make one without --start-date with scripts/certs node "
            + made.a + " seed --address 127.0.0.1 (after removing " + seed + ")",
        e.getMessage());
  }

  @Test
  void aCertificateFromAnotherAuthorityIsNotTrusted() throws Exception {
    Path stranger = made.b.resolve("stranger.p12");
    Path trust = made.a.resolve("trust.p12");
    // One password file opens both stores: a copy of a's trust store under b's password.
    Path trustUnderB = temp.resolve("trust.p12");
    KeyStore trusted = load(trust, made.a);
    try (var out = Files.newOutputStream(trustUnderB)) {
      trusted.store(out, password(made.b));
    }
    TlsStores stores = new TlsStores(stranger, trustUnderB, made.b.resolve("password"));
    ScenarioException e = assertThrows(ScenarioException.class, () -> stores.check("127.0.0.1", Instant.now()));
    String authorityB = authority(made.b);
    String authorityA = authority(made.a);
    assertEquals(
        stranger + "'s certificate (subject CN=stranger) was issued by " + authorityB + ", which " + trustUnderB
            + " does not trust: the nodes of one cluster need certificates from one authority (" + trustUnderB + " trusts [" + authorityA + "])",
        e.getMessage());
    assertTrue(authorityA.startsWith("CN=clusteremu CA a-") && authorityB.startsWith("CN=clusteremu CA b-"), authorityA + ", " + authorityB);
  }

  @Test
  void anAddressNotAmongTheSubjectAlternativeNamesIsRefusedEvenLocalhost() {
    Path seed = made.a.resolve("seed.p12");
    ScenarioException e = assertThrows(ScenarioException.class, () -> Authorities.stores(made.a, "seed").check("localhost", Instant.now()));
    assertEquals(
        seed + "'s certificate (subject CN=seed) names [ip:127.0.0.1] but the node binds to localhost: peers verifying the host name"
            + " would refuse it; make it with scripts/certs node " + made.a + " seed --address localhost (after removing " + seed + ")",
        e.getMessage());
    ScenarioException other = assertThrows(ScenarioException.class, () -> Authorities.stores(made.a, "member").check("10.0.0.7", Instant.now()));
    assertTrue(other.getMessage().contains("names [ip:127.0.0.1, dns:localhost] but the node binds to 10.0.0.7: "), other.getMessage());
  }

  private static X509Certificate nodeCertificate(Path keyStore, Path dir) throws IOException, GeneralSecurityException {
    return (X509Certificate) load(keyStore, dir).getCertificate("node");
  }

  private static String authority(Path dir) throws IOException, GeneralSecurityException {
    return ((X509Certificate) load(dir.resolve("trust.p12"), dir).getCertificate("ca")).getSubjectX500Principal().getName();
  }

  private static KeyStore load(Path file, Path dir) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password(dir));
    }
    return store;
  }

  private static char[] password(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("password")).get(0).trim().toCharArray();
  }
}
