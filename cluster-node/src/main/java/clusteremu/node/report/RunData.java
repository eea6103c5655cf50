package clusteremu.node.report;

import clusteremu.node.run.PhaseRecord;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.RunSettings;
import clusteremu.node.run.SettingsFile;
import clusteremu.node.scenario.LaunchSettings;
import clusteremu.node.scenario.ScenarioLoader;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * A run as its files have it: the settings it was launched with (settings.json), the phases with
 * their summaries and latency logs, and the dispatchers' metrics lines. The report needs nothing
 * else, so it can be made again for an old run, or for a recorded one in a test.
 *
 * <p>Every time stamp it holds is emulated: a run under time dilation k wrote wall-clock stamps,
 * and each is read as the run's first measured instant plus its distance from it divided by k,
 * so seconds and plots over time are emulated like every other figure.
 *
 * @param settingsFrom the file the settings come from: settings.json, or for a run made before
 *     runs recorded it, scenario.conf (turned into settings as its launch would have)
 */
record RunData(Path root, RunSettings settings, String settingsFrom, List<PhaseData> phases, List<DispatcherSample> dispatcherSamples) {

  /** One phase: what phases.json says of it, its summary, its latency intervals, its timed events and its outcomes per second. */
  record PhaseData(PhaseRecord record, JsonNode summary, List<Interval> intervals, List<Event> events, List<Outcome> outcomes) {
    PhaseData(PhaseRecord record, JsonNode summary, List<Interval> intervals, List<Event> events) {
      this(record, summary, intervals, events, List.of());
    }
  }

  /** A timed event as it fired (events.json): when, in wall-clock ms, what, whether it was a fault (else a migration), and whether the control API refused it. */
  record Event(long ts, String text, boolean fault, boolean refused) {
    Event(long ts, String text) {
      this(ts, text, false, false);
    }
  }

  /** The requests settled in one second ending at {@code ts} (outcomes.jsonl). */
  record Outcome(long ts, long ok, Map<String, Long> failedByReason, long timeouts, double availability) {}

  /** One second of a phase's latency log: when, how many answered ok, and p50/p99 in ms. */
  record Interval(long startMillis, long count, double p50, double p99) {}

  /** One metrics line of a dispatcher. */
  record DispatcherSample(long ts, String node, double busy, long queueLength, long received) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  static RunData load(Path root) {
    try {
      Path phasesFile = root.resolve("phases.json");
      if (!Files.isRegularFile(phasesFile)) {
        throw new IllegalArgumentException(root + " has no phases.json; expected a run written by scripts/experiment");
      }
      RunDirectory run = new RunDirectory(root);
      Path scenario = root.resolve("scenario.conf");
      boolean recorded = Files.isRegularFile(run.settings()) || !Files.isRegularFile(scenario);
      RunSettings settings = recorded ? SettingsFile.read(run) : LaunchSettings.of(ScenarioLoader.load(scenario));
      List<PhaseRecord> records =
          JSON.copy()
              .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
              .readValue(phasesFile.toFile(), new TypeReference<List<PhaseRecord>>() {});
      Emulated at = new Emulated(records.stream().mapToLong(PhaseRecord::measuredFrom).min().orElse(0), settings.dilation());
      List<PhaseData> phases = new ArrayList<>();
      for (PhaseRecord wall : records) {
        Path dir = root.resolve(wall.dir());
        PhaseRecord record =
            new PhaseRecord(
                wall.name(), wall.dir(), wall.mode(), wall.policy(), wall.rate(), wall.users(), at.of(wall.measuredFrom()), at.of(wall.measuredTo()), wall.interrupted());
        phases.add(
            new PhaseData(
                record, JSON.readTree(dir.resolve("summary.json").toFile()), intervals(dir.resolve("latency.hlog"), at), events(dir.resolve("events.json"), at),
                outcomes(dir.resolve("outcomes.jsonl"), at)));
      }
      String from = recorded ? "the run's settings.json" : "the run's scenario.conf: it predates settings.json";
      return new RunData(root, settings, from, phases, dispatcherSamples(root.resolve("metrics"), at));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run " + root, e);
    }
  }

  /** Wall-clock epoch ms to emulated ones: {@code origin} is where both agree. */
  private record Emulated(long origin, double dilation) {
    long of(long wallMillis) {
      return dilation == 1 ? wallMillis : origin + Math.round((wallMillis - origin) / dilation);
    }
  }

  private static List<Event> events(Path file, Emulated at) throws IOException {
    List<Event> events = new ArrayList<>();
    if (Files.isRegularFile(file)) {
      for (JsonNode event : JSON.readTree(file.toFile())) {
        events.add(new Event(at.of(event.path("ts").asLong()), event.path("event").asText(), event.path("fault").asBoolean(), event.has("error")));
      }
    }
    return events;
  }

  private static List<Outcome> outcomes(Path file, Emulated at) throws IOException {
    List<Outcome> outcomes = new ArrayList<>();
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file)) {
        JsonNode o = JSON.readTree(line);
        Map<String, Long> failed = new java.util.TreeMap<>();
        o.path("failed_by_reason").fields().forEachRemaining(e -> failed.put(e.getKey(), e.getValue().asLong()));
        outcomes.add(new Outcome(at.of(o.path("ts").asLong()), o.path("ok").asLong(), failed, o.path("timeouts").asLong(), o.path("availability").asDouble()));
      }
    }
    return outcomes;
  }

  private static List<Interval> intervals(Path log, Emulated at) throws IOException {
    List<Interval> intervals = new ArrayList<>();
    if (!Files.isRegularFile(log)) {
      return intervals;
    }
    try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
      for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram()) {
        Histogram histogram = (Histogram) h;
        intervals.add(
            new Interval(
                at.of(histogram.getStartTimeStamp()),
                histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / 1000.0,
                histogram.getValueAtPercentile(99) / 1000.0));
      }
    }
    return intervals;
  }

  private static List<DispatcherSample> dispatcherSamples(Path metrics, Emulated at) throws IOException {
    List<DispatcherSample> samples = new ArrayList<>();
    if (!Files.isDirectory(metrics)) {
      return samples;
    }
    try (var files = Files.list(metrics)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          if (!line.contains("\"kind\":\"dispatcher\"")) {
            continue;
          }
          JsonNode node = JSON.readTree(line);
          samples.add(new DispatcherSample(at.of(node.get("ts").asLong()), node.get("node").asText(), node.get("busy").asDouble(), node.get("queue_length").asLong(), node.get("received").asLong()));
        }
      }
    }
    return samples;
  }
}
