package clusteremu.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TlsStores#sslContext()} in a real handshake over loopback, as the control API's HTTPS
 * server and client use it: both sides authenticated by one authority; a peer of another authority refused.
 */
class TlsHandshakeTest {
  private static final int TIMEOUT_MS = 10_000;

  private static Authorities made;

  @BeforeAll
  static void makeStores() {
    made = Authorities.made();
  }

  @Test
  void twoNodesOfOneAuthorityShakeHandsBothWaysAuthenticated() throws Exception {
    try (SSLServerSocket listener = listen(Authorities.stores(made.a, "seed").sslContext())) {
      CompletableFuture<String> accepted = accept(listener);
      try (SSLSocket client = connect(Authorities.stores(made.a, "member").sslContext(), listener.getLocalPort())) {
        client.startHandshake();
        assertEquals("TLSv1.3", client.getSession().getProtocol());
        assertEquals("CN=seed", client.getSession().getPeerPrincipal().getName());
        client.getOutputStream().write(1);
        client.getOutputStream().flush();
      }
      assertEquals("CN=member", accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void aNodeOfAnotherAuthorityIsRefused() throws Exception {
    try (SSLServerSocket listener = listen(Authorities.stores(made.a, "seed").sslContext())) {
      CompletableFuture<String> accepted = accept(listener);
      try (SSLSocket client = connect(Authorities.stores(made.b, "stranger").sslContext(), listener.getLocalPort())) {
        // It trusts authority b only, so it refuses the seed's certificate first.
        SSLHandshakeException refused = assertThrows(SSLHandshakeException.class, client::startHandshake);
        assertTrue(refused.getMessage().contains("unable to find valid certification path"), refused.getMessage());
      }
      // The seed sees the refusal as an alert, or as a broken connection when the client has closed first.
      ExecutionException failed = assertThrows(ExecutionException.class, () -> accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
      assertTrue(failed.getCause() instanceof UncheckedIOException, String.valueOf(failed.getCause()));
    }
  }

  private static SSLServerSocket listen(SSLContext context) throws IOException {
    SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    listener.setNeedClientAuth(true);
    listener.setSoTimeout(TIMEOUT_MS);
    return listener;
  }

  /** Accepts one connection, shakes hands and reads one byte; completes with the client's subject. */
  private static CompletableFuture<String> accept(SSLServerSocket listener) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.setSoTimeout(TIMEOUT_MS);
            socket.startHandshake();
            socket.getInputStream().read();
            return socket.getSession().getPeerPrincipal().getName();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static SSLSocket connect(SSLContext context, int port) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(TIMEOUT_MS);
    return socket;
  }
}
