package clusteremu.node.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import clusteremu.node.scenario.Scenario;
import java.nio.file.Path;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * A client of the control API (scripts/migrate, scripts/fault, scripts/cluster down and the
 * experiment runner use it): plain HTTP on 127.0.0.1, or HTTPS with the bearer token when the API's
 * node binds beyond loopback ({@link ControlAccess}).
 */
public final class ControlClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: its HTTP status and its JSON body. */
  public record Answer(int status, JsonNode body) {
    /** The {@code error} the API gave, or the body itself. */
    public String error() {
      return body.path("error").asText(body.toString());
    }
  }

  /** The run whose cluster must answer, or null when TLS and the token already prove it. */
  private final String run;
  private final HttpClient http;
  private final String base;
  private final String token;

  /**
   * The API on 127.0.0.1:{@code port} of the cluster whose run is {@code run}: an answer from
   * another cluster's API (this one's node could not listen on the port) is refused with {@link
   * WrongCluster}, so that nothing is asked of the wrong cluster twice.
   */
  public ControlClient(int port, Path run) {
    this(ControlAccess.LOOPBACK, port, run);
  }

  /**
   * The API as {@code access} reaches it; {@code run} null: any run's. Beyond loopback the API's node runs on another machine,
   * with a run directory of its own, so the run is not compared: its certificate, issued by the
   * scenario's authority for its address, and its acceptance of the token say it is the right one.
   */
  public ControlClient(ControlAccess access, int port, Path run) {
    this.base = access.url(port);
    this.run = access.secured() || run == null ? null : ControlApi.runName(run);
    this.token = access.token();
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (access.secured()) {
      builder.sslContext(access.tls());
    }
    this.http = builder.build();
  }

  /**
   * The control API of a running cluster whose nodes here are those of machine {@code startedOn}
   * (null: all of them), reached from here. The run is compared only when the API's node is one of
   * them: a node of another machine has a run directory of its own.
   */
  public static ControlClient of(Scenario scenario, String startedOn, Path run) {
    boolean here = scenario.nodesOn(startedOn).contains(scenario.controlNode());
    return new ControlClient(ControlAccess.of(scenario, scenario.memberMachine(startedOn)), scenario.config().getInt("clusteremu.control.port"), here ? run : null);
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
    request.timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      body = JSON.createObjectNode().put("error", response.body());
    }
    String answering = response.headers().firstValue(ControlApi.RUN_HEADER).orElse(null);
    if (run != null && answering != null && !answering.equals(run)) {
      throw new WrongCluster(
          base + " is the control API of another cluster (run " + answering + "), not of " + run
              + ": this cluster's node could not listen there (see its log); set clusteremu.control.port to a free port");
    }
    return new Answer(response.statusCode(), body);
  }
}
