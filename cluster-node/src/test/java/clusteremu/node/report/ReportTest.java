package clusteremu.node.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.SettingsFile;
import clusteremu.node.scenario.LaunchSettings;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.tiers.dispatcher.Mode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report made from a recorded run (three phases of a dispatcher-bottleneck experiment: proxy
 * at 40 and 300 req/s, handoff at 300; dispatcher 5 ms per request and per relayed reply), from
 * its files alone.
 */
class ReportTest {
  static final Path FIXTURE = Path.of("src/test/resources/fixtures/bottleneck-run");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path run;
  static Report report;

  @BeforeAll
  static void load() throws IOException {
    run = copyTree(FIXTURE, dir.resolve("run"));
    report = Report.of(run);
  }

  /** Copies the directory tree {@code from} to {@code to}; returns {@code to}. */
  static Path copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    return to;
  }

  @Test
  void aRunUnderTimeDilationIsReadBackInEmulatedTime() throws IOException {
    Path dilated = copyTree(FIXTURE, dir.resolve("dilated"));
    ObjectNode settings = (ObjectNode) JSON.readTree(dilated.resolve("settings.json").toFile());
    settings.put("time_dilation", 10.0);
    JSON.writeValue(dilated.resolve("settings.json").toFile(), settings);
    RunData wall = RunData.load(run);
    RunData emulated = RunData.load(dilated);
    long origin = wall.phases().get(0).record().measuredFrom();
    assertEquals(origin, emulated.phases().get(0).record().measuredFrom(), "the first measured instant is where both agree");
    for (int i = 0; i < wall.phases().size(); i++) {
      RunData.PhaseData w = wall.phases().get(i);
      RunData.PhaseData e = emulated.phases().get(i);
      assertEquals(origin + Math.round((w.record().measuredTo() - origin) / 10.0), e.record().measuredTo());
      assertEquals(origin + Math.round((w.intervals().get(0).startMillis() - origin) / 10.0), e.intervals().get(0).startMillis());
    }
    long sample = wall.dispatcherSamples().get(3).ts();
    assertEquals(origin + Math.round((sample - origin) / 10.0), emulated.dispatcherSamples().get(3).ts());
    String text = outputOf(Report.of(dilated));
    assertTrue(text.startsWith("in emulated time: time dilation 10 (each emulated second took 10 real seconds)"), text);
    assertFalse(outputOf(report).contains("in emulated time"), "a run in real time says nothing of it");
  }

  private static String outputOf(Report report) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    report.print(new PrintStream(text, true, StandardCharsets.UTF_8));
    return text.toString(StandardCharsets.UTF_8);
  }

  @Test
  void predictsFromTheSettingsTheRunRecorded() {
    assertEquals(100, report.capacity().cluster(Mode.PROXY), 1e-9);
    assertEquals(200, report.capacity().cluster(Mode.HANDOFF), 1e-9);
  }

  @Test
  void aRowPerPhaseFromItsSummaryAndTheDispatchersMetrics() {
    List<Report.Row> rows = report.rows();
    assertEquals(List.of("proxy-40", "proxy-300", "handoff-300"), rows.stream().map(Report.Row::phase).toList());
    Report.Row light = rows.get(0);
    assertEquals(light.offered(), light.throughput(), 0.01, "below capacity everything offered is carried");
    // Utilisation is offered x (5 ms + 5 ms) by the model: 0.416 at 41.6 req/s.
    assertEquals(light.offered() * 0.010, light.busy(), 0.03);
    Report.Row overloaded = rows.get(1);
    assertEquals(1.0, overloaded.busy(), 0.01);
    assertTrue(overloaded.failed() > 0, "the bounded queue rejected the excess");
  }

  @Test
  void theModelMeanStartsFromTheLightestPhaseAndIsBlankPastSaturation() {
    Report.Row light = report.rows().get(0);
    assertEquals(light.mean(), light.modelMean(), 1e-9, "the lightest phase is its own baseline");
    assertTrue(Double.isNaN(report.rows().get(1).modelMean()), "300 req/s is past the proxy dispatcher's 100");
  }

  @Test
  void comparesPredictedAndMeasuredSaturation() {
    List<Report.Saturation> saturation = report.saturation();
    assertEquals(2, saturation.size());
    assertTrue(saturation.get(0).reached());
    assertEquals(0, saturation.get(0).error(), 0.10);
    assertEquals(0, saturation.get(1).error(), 0.10);
    assertEquals("dispatcher", saturation.get(0).bottleneck());
  }

  @Test
  void printsTheTables() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("dispatcher   proxy 100.0   handoff 200.0"), text);
    assertTrue(text.contains("handoff-300"), text);
    assertTrue(text.contains("handoff / proxy saturation: predicted 2.00, measured 2.00"), text);
  }

  @Test
  void writesASelfContainedPageWithEveryPlot() throws IOException {
    String html = Files.readString(report.writeHtml());
    Matcher images = Pattern.compile("<img alt=\"([^\"]+)\" width=\"\\d+\" src=\"data:image/png;base64,").matcher(html);
    int count = 0;
    while (images.find()) {
      count++;
    }
    assertEquals(7, count, "throughput, latency and the model's mean against load; throughput and latency over time; dispatcher utilisation and queue");
    assertFalse(html.contains("http://") || html.contains("https://"), "nothing is fetched");
    assertTrue(html.contains("<td>proxy</td><td>100.0</td>"), "predicted saturation in the page");
  }

  @Test
  void timedEventsAreMarkedOnThePlotsOverTime() throws IOException {
    assertTrue(Files.readString(report.writeHtml()).contains("alt=\"Throughput over time (phases marked)\""), "no events, no event marks");
    Path withEvents = copyTree(run, dir.resolve("run-with-events"));
    Files.writeString(
        withEvents.resolve("phases/07-proxy-300/events.json"),
        "[{\"ts\":1795309436000,\"at_ms\":6000,\"event\":\"migrate data-1 to h2 (postcopy)\",\"id\":\"n.1\"}]");
    String html = Files.readString(Report.of(withEvents).writeHtml());
    assertTrue(html.contains("alt=\"Throughput over time (phases and events marked)\""), "the event is marked");
    assertTrue(html.contains("alt=\"Latency over time (phases and events marked)\""), "on both plots");
  }

  @Test
  void aDirectoryThatIsNotAnExperimentRunIsRefused() throws IOException {
    Path nothing = dir.resolve("nothing-here");
    IllegalArgumentException noPhases = assertThrows(IllegalArgumentException.class, () -> Report.of(nothing));
    assertEquals(nothing + " has no phases.json; expected a run written by scripts/experiment", noPhases.getMessage());
  }

  @Test
  void aRunFromBeforeRunsRecordedTheirSettingsIsReportedFromItsScenarioAndSaysSo() throws IOException {
    Path old = copyTree(run, dir.resolve("old-run"));
    Files.delete(old.resolve("settings.json"));
    Report fromScenario = Report.of(old);
    assertEquals(Report.of(run).capacity(), fromScenario.capacity(), "the same settings, derived as the launch would have");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    fromScenario.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertTrue(
        bytes.toString(StandardCharsets.UTF_8).startsWith("predicted capacity (req/s, from the run's scenario.conf: it predates settings.json):"),
        bytes.toString(StandardCharsets.UTF_8));

    Files.delete(old.resolve("scenario.conf"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Report.of(old));
    assertEquals(
        old.resolve("settings.json")
            + " is missing: the run was made by an older version of clusteremu, before runs recorded the settings they ran with; run it again with this version",
        e.getMessage());
  }

  /**
   * The same measurements, launched as config/datacenter.conf whose dispatcher VM takes 5 ms per
   * request and per reply while the scenario's block says 0.8 ms: the report uses the VM's. The
   * old report took the dispatcher's settings from the nodes' blocks, the scenario's 0.8 ms, and
   * predicted a finite mean at 300 req/s (0.48 busy), where the VM's 5 ms saturate at 100.
   */
  @Test
  void aDatacenterRunIsReportedWithItsVmsSettings() throws IOException {
    Path dc = copyTree(run, dir.resolve("datacenter-run"));
    Path scenario = dir.resolve("dc.conf");
    Files.writeString(
        scenario,
        "include file(\"" + Path.of("../config/datacenter.conf").toAbsolutePath().normalize() + "\")\n"
            + "clusteremu.datacenter.vms.dispatcher-1.dispatcher { request-demand = 5ms, reply-demand = 5ms }\n");
    SettingsFile.write(new RunDirectory(dc).settings(), LaunchSettings.of(ScenarioLoader.load(scenario)));
    Report fromVms = Report.of(dc);
    assertEquals(new Capacity(100, 200, 2000, 2000), fromVms.capacity());
    assertEquals(fromVms.rows().get(0).mean(), fromVms.rows().get(0).modelMean(), 1e-9);
    assertTrue(Double.isNaN(fromVms.rows().get(1).modelMean()), "300 req/s is past the VM's 100");
  }

  /** A phase that set no mode runs in the one in force: the previous phase's switch, else the launch's. */
  @Test
  void aPhaseWithoutItsOwnModeRunsInTheModeInForce() throws IOException {
    Path launchedInHandoff = copyTree(run, dir.resolve("launched-in-handoff"));
    Path settings = launchedInHandoff.resolve("settings.json");
    Files.writeString(settings, Files.readString(settings).replace("\"mode\" : \"proxy\"", "\"mode\" : \"handoff\""));
    withoutMode(launchedInHandoff.resolve("phases/07-proxy-300/summary.json"));
    assertEquals(List.of("proxy", "proxy", "handoff"), Report.of(launchedInHandoff).rows().stream().map(Report.Row::mode).toList());
    for (String phase : List.of("01-proxy-40", "14-handoff-300")) {
      withoutMode(launchedInHandoff.resolve("phases/" + phase + "/summary.json"));
    }
    Report asLaunched = Report.of(launchedInHandoff);
    assertEquals(List.of("handoff", "handoff", "handoff"), asLaunched.rows().stream().map(Report.Row::mode).toList());
    assertEquals(List.of("round-robin", "round-robin", "round-robin"), asLaunched.rows().stream().map(Report.Row::policy).toList());
    assertEquals(List.of(Mode.HANDOFF), asLaunched.saturation().stream().map(Report.Saturation::mode).toList());
  }

  private static void withoutMode(Path summary) throws IOException {
    ObjectNode tree = (ObjectNode) JSON.readTree(summary.toFile());
    ((ObjectNode) tree.get("settings")).remove("mode");
    JSON.writeValue(summary.toFile(), tree);
  }
}
