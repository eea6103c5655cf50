package clusteremu.node.security;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artery's {@code tls-tcp} engines as Pekko's {@link ConfigSSLEngineProvider} makes them from
 * {@code pekko.remote.artery.ssl.config-ssl-engine}, but whose trust managers log each peer
 * certificate they refuse (at WARN, this class's logger): Pekko itself logs nothing on the node
 * that refused. Set {@code pekko.remote.artery.ssl.ssl-engine-provider} to this class's name; Pekko
 * creates it by reflection with the constructor that takes the classic actor system.
 *
 * <p>A refusal is logged by the node whose trust manager made it. In TLS 1.3 the dialling node
 * checks the accepting node's certificate first, so when neither trusts the other's authority it
 * is the dialling node that logs, and the accepting node never sees a certificate to refuse. When
 * the dialling node trusts the accepting node's authority but holds a certificate from another, it
 * still presents it ({@link PresentingKeyManager}), so that the accepting node can say whom it
 * refused.
 */
public final class PeerLoggingSslEngineProvider extends ConfigSSLEngineProvider {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLoggingSslEngineProvider.class);

  public PeerLoggingSslEngineProvider(ActorSystem system) {
    super(system);
  }

  @Override
  public KeyManager[] keyManagers() {
    return PresentingKeyManager.wrap(super.keyManagers());
  }

  @Override
  public TrustManager[] trustManagers() {
    return LoggingTrustManager.wrap(super.trustManagers(), LOG);
  }
}
