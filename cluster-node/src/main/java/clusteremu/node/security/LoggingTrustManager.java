package clusteremu.node.security;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;

/**
 * A trust manager that logs, at WARN, each peer certificate it refuses, then refuses it as the
 * trust manager it wraps did. Pekko's accepting node logs nothing about a peer it refused
 * (shared/PEKKO-NOTES.md, "Artery TLS"): without this line the user of a cluster that a node
 * cannot join sees only that node's handshake time-out, on another machine.
 *
 * <p>Every check goes to the wrapped manager's own overload, so what it verifies besides the chain
 * (the host name, when the engine asks for it) is still verified, and its refusals logged too.
 * Costs nothing on a certificate it accepts.
 */
final class LoggingTrustManager extends X509ExtendedTrustManager {
  /** The consequence, said by the node that accepted the connection. */
  private static final String JOINING = "it cannot join this cluster";
  /** The consequence, said by the node that dialled: the peer may well be in the cluster, this node is not. */
  private static final String DIALLED = "this node cannot connect to it";

  private final X509ExtendedTrustManager trusted;
  private final Logger log;

  private LoggingTrustManager(X509ExtendedTrustManager trusted, Logger log) {
    this.trusted = trusted;
    this.log = log;
  }

  /**
   * The managers with each {@link X509ExtendedTrustManager} wrapped; others (there are none from
   * the JDK's factories) are passed on as they are, since wrapping a plain {@code
   * X509TrustManager} would change which checks the TLS engine makes around it.
   */
  static TrustManager[] wrap(TrustManager[] managers, Logger log) {
    TrustManager[] wrapped = managers.clone();
    for (int i = 0; i < wrapped.length; i++) {
      if (wrapped[i] instanceof X509ExtendedTrustManager manager) {
        wrapped[i] = new LoggingTrustManager(manager, log);
      }
    }
    return wrapped;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      trusted.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refused(chain, null, e, JOINING);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      trusted.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refused(chain, null, e, DIALLED);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    try {
      trusted.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw refused(chain, peer(socket), e, JOINING);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    try {
      trusted.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw refused(chain, peer(socket), e, DIALLED);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    try {
      trusted.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refused(chain, peer(engine), e, JOINING);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    try {
      trusted.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refused(chain, peer(engine), e, DIALLED);
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return trusted.getAcceptedIssuers();
  }

  private CertificateException refused(X509Certificate[] chain, String peer, CertificateException e, String consequence) {
    log.warn("{}", refusal(chain, peer, e, consequence));
    return e;
  }

  /**
   * "refused a peer's TLS certificate (subject CN=n4, issued by CN=other CA, peer 10.0.0.4:25520):
   * <reason>; it cannot join this cluster"; a node that dialled says "this node cannot connect to it".
   */
  static String refusal(X509Certificate[] chain, String peer, CertificateException e, String consequence) {
    StringBuilder line = new StringBuilder("refused a peer's TLS certificate (");
    if (chain == null || chain.length == 0) {
      line.append("none given");
    } else {
      line.append("subject ").append(chain[0].getSubjectX500Principal().getName());
      line.append(", issued by ").append(chain[0].getIssuerX500Principal().getName());
    }
    if (peer != null) {
      line.append(", peer ").append(peer);
    }
    return line.append("): ").append(reason(e)).append("; ").append(consequence).toString();
  }

  /** The exception's message without the class names the JDK nests in it ("sun.security...Exception: "). */
  private static String reason(CertificateException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("(?:[a-z][a-z0-9]*\\.)+[A-Z]\\w*(?:Exception|Error): ", "");
  }

  /** The other end of a connected socket. */
  private static String peer(Socket socket) {
    return socket != null && socket.getRemoteSocketAddress() instanceof InetSocketAddress address
        ? address.getHostString() + ":" + address.getPort()
        : null;
  }

  /**
   * The host and port an engine in client mode dialled. An engine in server mode does not know its
   * peer: Artery creates it with its own bind address, which must not be mistaken for the peer's.
   */
  private static String peer(SSLEngine engine) {
    return engine != null && engine.getUseClientMode() && engine.getPeerHost() != null
        ? engine.getPeerHost() + ":" + engine.getPeerPort()
        : null;
  }
}
