package clusteremu.node.security;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager that presents the node's certificate when it dials a peer, even if the peer asked
 * for one from authorities the certificate is not from. The JDK's manager sends no certificate
 * then, and the peer refuses an empty chain without its trust manager ever seeing whom it refused
 * ({@code SSLHandshakeException: Empty client certificate chain}, logged nowhere): presented, the
 * certificate is refused all the same, by {@link LoggingTrustManager}, which names it. A peer that
 * trusts the certificate is not affected; the choice among matching keys is the wrapped manager's.
 */
final class PresentingKeyManager extends X509ExtendedKeyManager {
  private final X509ExtendedKeyManager keys;

  private PresentingKeyManager(X509ExtendedKeyManager keys) {
    this.keys = keys;
  }

  /** The managers with each {@link X509ExtendedKeyManager} wrapped; others are passed on as they are. */
  static KeyManager[] wrap(KeyManager[] managers) {
    KeyManager[] wrapped = managers.clone();
    for (int i = 0; i < wrapped.length; i++) {
      if (wrapped[i] instanceof X509ExtendedKeyManager manager) {
        wrapped[i] = new PresentingKeyManager(manager);
      }
    }
    return wrapped;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    String alias = keys.chooseClientAlias(keyTypes, issuers, socket);
    return alias != null ? alias : keys.chooseClientAlias(keyTypes, null, socket);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    String alias = keys.chooseEngineClientAlias(keyTypes, issuers, engine);
    return alias != null ? alias : keys.chooseEngineClientAlias(keyTypes, null, engine);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return keys.getClientAliases(keyType, issuers);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return keys.getServerAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return keys.chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return keys.chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return keys.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return keys.getPrivateKey(alias);
  }
}
