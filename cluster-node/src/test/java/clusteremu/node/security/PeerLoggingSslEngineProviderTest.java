package clusteremu.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The engines Artery would use with {@code ssl-engine-provider = PeerLoggingSslEngineProvider}:
 * made by the provider from a real actor system's {@code config-ssl-engine} (TLSv1.3, mutual
 * authentication, host name verification), shaking hands in memory. A refused peer certificate is
 * logged at WARN by the node whose trust manager refused it.
 */
class PeerLoggingSslEngineProviderTest {
  private static final String BIND_HOST = "127.0.0.1";
  private static final int PORT = 25520;

  private static Authorities made;
  private static final List<ActorSystem> systems = new ArrayList<>();
  private static PeerLoggingSslEngineProvider seed;
  private static PeerLoggingSslEngineProvider member;
  /** Authority b's certificate, trusting authority a: it accepts the seed, which must refuse it. */
  private static PeerLoggingSslEngineProvider intruder;
  /** Authority b's certificate, trusting authority b only: it refuses the seed first. */
  private static PeerLoggingSslEngineProvider foreigner;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeAll
  static void startNodes() {
    made = Authorities.made();
    seed = provider("seed", made.a.resolve("seed.p12"), made.a);
    member = provider("member", made.a.resolve("member.p12"), made.a);
    intruder = provider("intruder", made.b.resolve("stranger.p12"), made.a);
    foreigner = provider("foreigner", made.b.resolve("stranger.p12"), made.b);
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (ActorSystem system : systems) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void listen() {
    logger().addAppender(logged);
    logged.start();
  }

  @AfterEach
  void stopListening() {
    logger().detachAppender(logged);
  }

  @Test
  void nodesOfOneAuthorityShakeHandsAndNothingIsLogged() throws Exception {
    SSLEngine client = member.createClientSSLEngine(BIND_HOST, PORT);
    SSLEngine server = seed.createServerSSLEngine(BIND_HOST, PORT);
    assertNull(EngineHandshake.run(client, server));
    assertEquals("TLSv1.3", client.getSession().getProtocol());
    assertTrue(List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384").contains(client.getSession().getCipherSuite()));
    assertEquals("CN=member", server.getSession().getPeerPrincipal().getName());
    assertEquals(List.of(), lines());
  }

  @Test
  void theAcceptingNodeLogsACertificateFromAnotherAuthority() throws Exception {
    EngineHandshake.Refusal refusal = EngineHandshake.run(intruder.createClientSSLEngine(BIND_HOST, PORT), seed.createServerSSLEngine(BIND_HOST, PORT));
    assertNotNull(refusal, "the seed refused the intruder");
    assertEquals(false, refusal.byClient(), refusal.exception().toString());
    // A server engine does not know its peer: Artery makes it with the seed's own bind address, which is not named.
    assertEquals(
        List.of(
            "WARN refused a peer's TLS certificate (subject CN=stranger, issued by " + authority(made.b)
                + "): PKIX path building failed: unable to find valid certification path to requested target; it cannot join this cluster"),
        lines());
  }

  @Test
  void overASocketTheAcceptingNodeNamesThePeersAddress() throws Exception {
    SSLContext server = SSLContext.getInstance("TLSv1.3");
    server.init(seed.keyManagers(), seed.trustManagers(), null);
    SSLContext client = SSLContext.getInstance("TLSv1.3");
    client.init(intruder.keyManagers(), intruder.trustManagers(), null);
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getByName(BIND_HOST))) {
      listener.setNeedClientAuth(true);
      listener.setSoTimeout(10_000);
      CompletableFuture<Void> accepted =
          CompletableFuture.runAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  socket.setSoTimeout(10_000);
                  socket.startHandshake();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      int localPort;
      try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(BIND_HOST, listener.getLocalPort())) {
        socket.setSoTimeout(10_000);
        localPort = socket.getLocalPort();
        // In TLS 1.3 the client may be done before the server has judged its certificate: the refusal
        // comes during the handshake or at the first read, as an alert or a broken connection.
        int read;
        try {
          socket.startHandshake();
          read = socket.getInputStream().read();
        } catch (IOException refused) {
          read = -1;
        }
        assertEquals(-1, read);
      }
      assertThrows(ExecutionException.class, () -> accepted.get(10, TimeUnit.SECONDS));
      assertEquals(
          List.of(
              "WARN refused a peer's TLS certificate (subject CN=stranger, issued by " + authority(made.b) + ", peer 127.0.0.1:" + localPort
                  + "): PKIX path building failed: unable to find valid certification path to requested target; it cannot join this cluster"),
          lines());
    }
  }

  @Test
  void aNodeThatTrustsAnotherAuthorityRefusesTheSeedAndTheSeedLogsNothing() throws Exception {
    EngineHandshake.Refusal refusal = EngineHandshake.run(foreigner.createClientSSLEngine(BIND_HOST, PORT), seed.createServerSSLEngine(BIND_HOST, PORT));
    assertNotNull(refusal);
    assertEquals(true, refusal.byClient(), refusal.exception().toString());
    // The dialling node refuses the seed's certificate before it sends its own: only it can say so.
    assertEquals(
        List.of(
            "WARN refused a peer's TLS certificate (subject CN=seed, issued by " + authority(made.a) + ", peer 127.0.0.1:25520)"
                + ": PKIX path building failed: unable to find valid certification path to requested target; this node cannot connect to it"),
        lines());
  }

  @Test
  void aHostNameTheCertificateDoesNotNameIsRefusedAndLogged() throws Exception {
    EngineHandshake.Refusal refusal = EngineHandshake.run(member.createClientSSLEngine("localhost", PORT), seed.createServerSSLEngine(BIND_HOST, PORT));
    assertNotNull(refusal);
    assertEquals(true, refusal.byClient(), refusal.exception().toString());
    assertEquals(
        List.of(
            "WARN refused a peer's TLS certificate (subject CN=seed, issued by " + authority(made.a) + ", peer localhost:25520)"
                + ": No name matching localhost found; this node cannot connect to it"),
        lines());
  }

  private List<String> lines() {
    return logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  private static Logger logger() {
    return (Logger) LoggerFactory.getLogger(PeerLoggingSslEngineProvider.class);
  }

  /** A classic actor system (local provider: nothing binds) whose config-ssl-engine names these stores, and the provider Artery would make on it. */
  private static PeerLoggingSslEngineProvider provider(String name, Path keyStore, Path trustDir) {
    String keyPassword = firstLine(keyStore.getParent().resolve("password"));
    String trustPassword = firstLine(trustDir.resolve("password"));
    String config =
        """
        pekko.actor.provider = local
        pekko.extensions = []
        pekko.loglevel = WARNING
        pekko.remote.artery.ssl.config-ssl-engine {
          key-store = "%s"
          key-store-password = "%s"
          key-password = "%s"
          trust-store = "%s"
          trust-store-password = "%s"
          protocol = "TLSv1.3"
          enabled-algorithms = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]
          require-mutual-authentication = on
          hostname-verification = on
        }
        """
            .formatted(keyStore, keyPassword, keyPassword, trustDir.resolve("trust.p12"), trustPassword);
    ActorSystem system = ActorSystem.create(name, ConfigFactory.parseString(config).withFallback(ConfigFactory.load()));
    systems.add(system);
    return new PeerLoggingSslEngineProvider(system);
  }

  private static String authority(Path dir) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve("trust.p12"))) {
      trust.load(in, firstLine(dir.resolve("password")).toCharArray());
    }
    return ((X509Certificate) trust.getCertificate("ca")).getSubjectX500Principal().getName();
  }

  private static String firstLine(Path file) {
    try {
      return Files.readAllLines(file).get(0).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
