package clusteremu.node.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A client of the control API on 127.0.0.1 (scripts/migrate and the experiment runner use it). */
public final class ControlClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: its HTTP status and its JSON body. */
  public record Answer(int status, JsonNode body) {
    /** The {@code error} the API gave, or the body itself. */
    public String error() {
      return body.path("error").asText(body.toString());
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public ControlClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public String base() {
    return base;
  }

  public Answer get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Answer post(String path, JsonNode body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  public Answer delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  /** Whether a migration's status means it is over. */
  public static boolean ended(String status) {
    return switch (status) {
      case "completed", "failed", "refused", "cancelled", "unknown" -> true;
      default -> false;
    };
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request.timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      body = JSON.createObjectNode().put("error", response.body());
    }
    return new Answer(response.statusCode(), body);
  }
}
