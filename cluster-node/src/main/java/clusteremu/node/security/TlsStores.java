package clusteremu.node.security;

import clusteremu.node.config.ScenarioException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The files of a node that talks over mutually authenticated TLS, as {@code scripts/certs} writes
 * them: its key store ({@code DIR/NAME.p12}), the cluster's trust store ({@code DIR/trust.p12}) and
 * the password of both and of the key ({@code DIR/password}). All PKCS12.
 *
 * <p>Why check them before a node starts: Pekko does not look at them until its first connection
 * (a missing key store is a {@code NoSuchFileException} then, and a shutdown that hangs), and a
 * certificate the peers refuse is never reported where the user looks (shared/PEKKO-NOTES.md,
 * "Artery TLS"). {@link #check} finds each of these on one line naming the file. It costs the
 * loading of two small stores and one path validation, a few tens of milliseconds.
 */
public record TlsStores(Path keyStore, Path trustStore, Path passwordFile) {

  private static final String PASSWORD_EXPECTED =
      "expected a file whose first line is the password of the key store, its key and the trust store, as scripts/certs init writes";
  private static final String KEY_STORE_EXPECTED = "expected the node's PKCS12 key store, as scripts/certs node DIR NAME writes (DIR/NAME.p12)";
  private static final String TRUST_STORE_EXPECTED = "expected the cluster's PKCS12 trust store, as scripts/certs init DIR writes (DIR/trust.p12)";

  /** The first line of the password file, trimmed. */
  public String password() {
    return SecretFile.firstLine(passwordFile, PASSWORD_EXPECTED);
  }

  /**
   * Checks that a node binding to {@code address} can use these stores at {@code now}, and throws a
   * {@link ScenarioException} naming the file, what is wrong and what was expected at the first
   * thing that is not so. In this order: the three files are readable; the password opens the key
   * store, its key and the trust store; the key store holds exactly one private key; its
   * certificate is valid now, chains to a certificate of the trust store (PKIX, no revocation), is
   * for TLS both ways, and names {@code address} among its subject alternative names.
   */
  public void check(String address, Instant now) {
    requireReadable(keyStore, KEY_STORE_EXPECTED);
    requireReadable(trustStore, TRUST_STORE_EXPECTED);
    requireReadable(passwordFile, PASSWORD_EXPECTED);
    char[] password = password().toCharArray();
    KeyStore keys = load(keyStore, password, KEY_STORE_EXPECTED);
    KeyStore trusted = load(trustStore, password, TRUST_STORE_EXPECTED);
    X509Certificate[] chain = nodeChain(keys, password);
    NodeCertificate certificate = new NodeCertificate(keyStore, chain);
    certificate.requireValidAt(now, address);
    certificate.requireIssuedBy(trustStore, anchors(trusted), now);
    certificate.requireUsableBothWays(address);
    certificate.requireNames(address);
  }

  /**
   * A TLS context (protocol TLSv1.3) that presents the key store's certificate and trusts the trust
   * store's: for the control API's HTTPS server and its client. Call {@link #check} first for
   * messages that say more than a failed load.
   */
  public SSLContext sslContext() {
    requireReadable(keyStore, KEY_STORE_EXPECTED);
    requireReadable(trustStore, TRUST_STORE_EXPECTED);
    char[] password = password().toCharArray();
    KeyStore keys = load(keyStore, password, KEY_STORE_EXPECTED);
    KeyStore trusted = load(trustStore, password, TRUST_STORE_EXPECTED);
    try {
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trusted);
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      return context;
    } catch (UnrecoverableKeyException e) {
      throw new ScenarioException("wrong password in " + passwordFile + " for the key in " + keyStore + ": " + PASSWORD_EXPECTED, e);
    } catch (GeneralSecurityException e) {
      throw new ScenarioException("no TLS context from " + keyStore + " and " + trustStore + " (" + e.getMessage() + "): " + KEY_STORE_EXPECTED, e);
    }
  }

  private static void requireReadable(Path file, String expected) {
    if (Files.isDirectory(file)) {
      throw new ScenarioException(file + " is a directory: " + expected);
    }
    if (!Files.exists(file)) {
      throw new ScenarioException(file + " does not exist: " + expected);
    }
    if (!Files.isReadable(file)) {
      throw new ScenarioException(file + " cannot be read by this user: " + expected);
    }
  }

  private KeyStore load(Path file, char[] password, String expected) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      return store;
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new ScenarioException("wrong password in " + passwordFile + " for " + file + ": expected the password it was made with, which scripts/certs writes beside it", e);
      }
      throw new ScenarioException(file + " is not a PKCS12 store (" + e.getMessage() + "): " + expected, e);
    } catch (GeneralSecurityException e) {
      throw new ScenarioException(file + " is not a PKCS12 store (" + e.getMessage() + "): " + expected, e);
    }
  }

  /** The chain of the key store's one private key, the node's certificate first. */
  private X509Certificate[] nodeChain(KeyStore keys, char[] password) {
    try {
      List<String> aliases = new ArrayList<>();
      for (String alias : Collections.list(keys.aliases())) {
        if (keys.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
          aliases.add(alias);
        }
      }
      if (aliases.isEmpty()) {
        throw new ScenarioException(keyStore + " holds no private key: expected one key pair with its certificate chain (alias node), as scripts/certs node writes");
      }
      if (aliases.size() > 1) {
        throw new ScenarioException(
            keyStore + " holds " + aliases.size() + " private keys " + aliases + ": expected exactly one, the node's, as scripts/certs node writes");
      }
      String alias = aliases.get(0);
      keys.getKey(alias, password);
      Certificate[] chain = keys.getCertificateChain(alias);
      X509Certificate[] x509 = new X509Certificate[chain.length];
      for (int i = 0; i < chain.length; i++) {
        x509[i] = (X509Certificate) chain[i];
      }
      return x509;
    } catch (UnrecoverableKeyException e) {
      throw new ScenarioException("wrong password in " + passwordFile + " for the key in " + keyStore + ": " + PASSWORD_EXPECTED, e);
    } catch (GeneralSecurityException e) {
      throw new ScenarioException(keyStore + " cannot be read (" + e.getMessage() + "): " + KEY_STORE_EXPECTED, e);
    }
  }

  /** The certificates the trust store trusts (its certificate entries); none is an error. */
  private List<X509Certificate> anchors(KeyStore trusted) {
    List<X509Certificate> anchors = new ArrayList<>();
    try {
      for (String alias : Collections.list(trusted.aliases())) {
        if (trusted.isCertificateEntry(alias) && trusted.getCertificate(alias) instanceof X509Certificate certificate) {
          anchors.add(certificate);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new ScenarioException(trustStore + " cannot be read (" + e.getMessage() + "): " + TRUST_STORE_EXPECTED, e);
    }
    if (anchors.isEmpty()) {
      throw new ScenarioException(
          trustStore + " holds no trusted certificate: " + TRUST_STORE_EXPECTED + ", which holds the authority's certificate alone (alias ca)");
    }
    return anchors;
  }
}
