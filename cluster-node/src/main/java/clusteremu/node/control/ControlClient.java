package clusteremu.node.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

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

  private final String run;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  /**
   * The API on 127.0.0.1:{@code port} of the cluster whose run is {@code run}: an answer from
   * another cluster's API (this one's node could not listen on the port) is refused with {@link
   * WrongCluster}, so that nothing is asked of the wrong cluster twice.
   */
  public ControlClient(int port, Path run) {
    this.base = "http://127.0.0.1:" + port;
    this.run = ControlApi.runName(run);
  }

  /** The control API on the port answers for another cluster's run. */
  public static final class WrongCluster extends IOException {
    WrongCluster(String message) {
      super(message);
    }
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
      case "completed", "failed", "refused", "cancelled", "lost", "unknown" -> true;
      default -> false;
    };
  }

  /** One line on how a migration ended, as {@code GET /migrations/ID} gave it. */
  public static String summary(JsonNode p) {
    String status = p.path("status").asText();
    if (!status.equals("completed")) {
      return String.format(Locale.ROOT, "migration %s %s: %s", p.path("id").asText(), status, p.path("reason").asText());
    }
    return String.format(
        Locale.ROOT,
        "migration %s completed in %.0f ms, downtime %.1f ms, %s in %d pages, %d rounds (%s), %s",
        p.path("id").asText(), p.path("total_ms").asDouble(), p.path("downtime_ms").asDouble(), mib(p.path("bytes").asLong()), p.path("pages").asLong(),
        p.path("round").asInt(), p.path("reason").asText(), p.path("verified").asBoolean() ? "verified" : "NOT verified (the destination's pages differ)");
  }

  /** Bytes as MiB with one decimal, as progress lines and summaries print them. */
  public static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
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
    String answering = response.headers().firstValue(ControlApi.RUN_HEADER).orElse(null);
    if (answering != null && !answering.equals(run)) {
      throw new WrongCluster(
          base + " is the control API of another cluster (run " + answering + "), not of " + run
              + ": this cluster's node could not listen there (see its log); set clusteremu.control.port to a free port");
    }
    return new Answer(response.statusCode(), body);
  }
}
