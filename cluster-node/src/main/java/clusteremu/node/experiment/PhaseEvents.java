package clusteremu.node.experiment;

import clusteremu.node.control.ControlClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import clusteremu.tiers.time.TimeDilation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fires a phase's timed events (migrations, faults) through the control API while its load runs,
 * and after the load waits for the migrations they started to end, so the next phase starts on a
 * settled cluster. Writes {@code events.json} beside the phase's summary: each event's time (epoch
 * ms), what it did, and the migration's id and outcome, the faulted JVM's PID, or the API's refusal.
 */
final class PhaseEvents implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** The longest a migration started by an event may take after the phase's load is over. */
  private static final long SETTLE_MS = 180_000;

  private final ControlClient api;
  private final PrintStream out;
  private final String prefix;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "phase-events");
        thread.setDaemon(true);
        return thread;
      });
  private final List<Map<String, Object>> fired = new ArrayList<>();
  /** Event times are emulated: under time dilation they come k times later in real time. */
  private final TimeDilation time;

  PhaseEvents(ControlClient api, TimeDilation time, PrintStream out, String prefix) {
    this.api = api;
    this.time = time;
    this.out = out;
    this.prefix = prefix;
  }

  /** Schedules every event of {@code phase} from now, the phase's start. */
  void start(Phase phase) {
    for (PhaseEvent event : phase.events()) {
      timer.schedule(() -> fire(event), time.real(event.at()).toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void fire(PhaseEvent event) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("ts", System.currentTimeMillis());
    record.put("at_ms", event.at().toMillis());
    record.put("event", event.describe());
    record.put("fault", event.fault() != null);
    try {
      ControlClient.Answer answer = api.post(event.path(), event.body());
      if (answer.status() == 201) {
        record.put("id", answer.body().get("id").asText());
        out.println(prefix + "event: " + event.describe() + ": migration " + answer.body().get("id").asText());
      } else if (answer.status() == 200) {
        String done;
        if (answer.body().has("pid")) {
          record.put("pid", answer.body().path("pid").asLong());
          done = "PID " + answer.body().path("pid").asLong();
        } else if (answer.body().has("vms")) {
          record.put("vms", answer.body().path("vms"));
          done = "VMs " + answer.body().path("vms");
        } else {
          record.put("nodes", answer.body().path("nodes").asInt());
          done = "sent to " + answer.body().path("nodes").asInt() + " nodes";
        }
        out.println(prefix + "event: " + event.describe() + " (" + done + ")");
      } else {
        record.put("error", answer.error());
        out.println(prefix + "event: " + event.describe() + ": refused: " + answer.error());
      }
    } catch (IOException | InterruptedException e) {
      String why = e instanceof ControlClient.WrongCluster ? e.getMessage() : "the control API did not answer: " + e.getMessage();
      record.put("error", why);
      out.println(prefix + "event: " + event.describe() + ": " + why);
    }
    synchronized (fired) {
      fired.add(record);
    }
  }

  /** Stops firing, waits for the migrations started to end, and writes {@code dir/events.json}. */
  void settle(Path dir) throws IOException, InterruptedException {
    timer.shutdownNow();
    List<Map<String, Object>> records;
    synchronized (fired) {
      records = new ArrayList<>(fired);
    }
    long deadline = System.currentTimeMillis() + time.real(Duration.ofMillis(SETTLE_MS)).toMillis();
    for (Map<String, Object> record : records) {
      Object id = record.get("id");
      if (id == null) {
        continue;
      }
      JsonNode progress = api.get("/migrations/" + id).body();
      while (!ControlClient.ended(progress.path("status").asText()) && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
        progress = api.get("/migrations/" + id).body();
      }
      record.put("status", progress.path("status").asText());
      record.put("migration", progress);
      out.println(prefix + ControlClient.summary(progress));
    }
    if (!records.isEmpty()) {
      JSON.writeValue(dir.resolve("events.json").toFile(), records);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
