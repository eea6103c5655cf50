package clusteremu.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client asks only its own cluster: when another cluster's control API holds the port (this
 * one's node could not bind it), the answer is refused with a message naming both runs.
 */
class ControlClientTest {
  @TempDir Path dir;

  @Test
  void anAnswerFromAnotherClustersApiIsRefusedAndNamesBothRuns() throws Exception {
    Path mine = Files.createDirectories(dir.resolve("runs/mine"));
    Path other = Files.createDirectories(dir.resolve("runs/other"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/vms",
        exchange -> {
          String run = exchange.getRequestURI().getQuery().equals("mine") ? ControlApi.runName(mine) : ControlApi.runName(other);
          byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add(ControlApi.RUN_HEADER, run);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      ControlClient client = new ControlClient(server.getAddress().getPort(), mine);
      assertEquals(200, client.get("/vms?mine").status());
      ControlClient.WrongCluster wrong = assertThrows(ControlClient.WrongCluster.class, () -> client.get("/vms?other"));
      assertTrue(wrong.getMessage().contains(other.toRealPath().toString()) && wrong.getMessage().contains(mine.toRealPath().toString()), wrong.getMessage());
      assertTrue(wrong.getMessage().contains("clusteremu.control.port"), wrong.getMessage());
    } finally {
      server.stop(0);
    }
  }
}
