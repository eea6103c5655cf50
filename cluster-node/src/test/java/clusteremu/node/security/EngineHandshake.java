package clusteremu.node.security;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Two {@link SSLEngine}s shaking hands through buffers in memory, as Artery's engines do over a TCP
 * connection, without sockets or threads: the same engines, settings and trust managers, and an
 * outcome that does not depend on timing.
 */
final class EngineHandshake {
  /** Who refused first, and why; {@code null} from {@link #run} when the handshake completed. */
  record Refusal(boolean byClient, SSLException exception) {}

  private static final int ROUNDS = 50;
  private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

  private EngineHandshake() {}

  static Refusal run(SSLEngine client, SSLEngine server) {
    int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(packet * 8);
    ByteBuffer toClient = ByteBuffer.allocate(packet * 8);
    ByteBuffer clientApp = ByteBuffer.allocate(client.getSession().getApplicationBufferSize() * 2);
    ByteBuffer serverApp = ByteBuffer.allocate(server.getSession().getApplicationBufferSize() * 2);
    try {
      client.beginHandshake();
    } catch (SSLException e) {
      return new Refusal(true, e);
    }
    try {
      server.beginHandshake();
    } catch (SSLException e) {
      return new Refusal(false, e);
    }
    for (int round = 0; round < ROUNDS; round++) {
      try {
        wrap(client, toServer);
        unwrap(client, toClient, clientApp);
      } catch (SSLException e) {
        return new Refusal(true, e);
      }
      try {
        unwrap(server, toServer, serverApp);
        wrap(server, toClient);
      } catch (SSLException e) {
        return new Refusal(false, e);
      }
      if (finished(client) && finished(server) && toServer.position() == 0 && toClient.position() == 0) {
        return null;
      }
    }
    throw new AssertionError("the handshake neither completed nor failed in " + ROUNDS + " rounds");
  }

  private static boolean finished(SSLEngine engine) {
    return engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
  }

  private static void wrap(SSLEngine engine, ByteBuffer out) throws SSLException {
    // Bounded: an engine that asks to wrap and produces nothing must not hang the test.
    for (int i = 0; i < 10; i++) {
      int produced = engine.wrap(NOTHING, out).bytesProduced();
      runTasks(engine);
      if (produced == 0 && engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
        return;
      }
    }
  }

  private static void unwrap(SSLEngine engine, ByteBuffer in, ByteBuffer app) throws SSLException {
    in.flip();
    try {
      while (in.hasRemaining()) {
        int consumed = engine.unwrap(in, app).bytesConsumed();
        runTasks(engine);
        app.clear();
        if (consumed == 0) {
          return;
        }
      }
    } finally {
      in.compact();
    }
  }

  private static void runTasks(SSLEngine engine) {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }
}
