package clusteremu.node.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.config.ScenarioException;
import clusteremu.tiers.dispatcher.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentLoaderTest {
  static final Path SHIPPED = Path.of("../config/experiments/dispatcher-bottleneck.conf");
  static final String SCENARIO = Path.of("../config/default.conf").toAbsolutePath().normalize().toString();

  @TempDir Path dir;

  private Path experiment(String body) throws IOException {
    Path file = dir.resolve("x.conf");
    Files.writeString(file, "experiment {\n  scenario = \"" + SCENARIO + "\"\n" + body + "\n}\n");
    return file;
  }

  private String error(Path file) {
    return assertThrows(ScenarioException.class, () -> ExperimentLoader.load(file)).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
    }
  }

  @Test
  void theShippedBottleneckExperimentSweepsBothModes() {
    Experiment e = ExperimentLoader.load(SHIPPED);
    assertEquals(16, e.phases().size());
    assertEquals(2, e.phases().get(15).load().dispatchers());
    assertEquals(1, e.phases().get(0).load().dispatchers());
    assertEquals("proxy-40", e.phases().get(0).name());
    assertEquals(Mode.PROXY, e.phases().get(0).load().mode());
    assertEquals("handoff-300", e.phases().get(13).name());
    assertEquals("handoff-two-dispatchers-600", e.phases().get(15).name());
    assertEquals(300, e.phases().get(13).load().rate());
    assertEquals(Duration.ofSeconds(15), e.phases().get(0).load().duration());
    assertEquals(Duration.ofMillis(5), e.scenario().config().getDuration("clusteremu.dispatcher.request-demand"), "overrides applied");
    assertEquals("dispatcher-bottleneck", e.name());
  }

  @Test
  void theShippedMigrationExperimentTimesAMigrationInEachPhase() {
    Experiment e = ExperimentLoader.load(Path.of("../config/experiments/migration.conf"));
    assertEquals(java.util.List.of("precopy", "stopcopy", "postcopy", "hybrid", "cold"), e.phases().stream().map(Phase::name).toList());
    PhaseEvent first = e.phases().get(0).events().get(0);
    assertEquals(Duration.ofSeconds(6), first.at());
    assertEquals("{\"vm\":\"data-1\",\"to\":\"a2-h1\",\"strategy\":\"precopy\",\"bandwidth\":\"1Gbit\"}", first.migrate().toString());
    assertEquals("migrate data-1 to b1-h1 (stopcopy)", e.phases().get(1).events().get(0).describe());
  }

  @Test
  void aBadEventIsRefusedNamingWhatIsWrong() throws IOException {
    String phase = "phases = [ { name = p, rate = 10, duration = 5s, warmup = 1s, events = [ %s ] } ]";
    assertMentions(error(experiment(phase.formatted("{ at = 1s, migrate { vm = data-1, to = app-1, colour = red } }"))),
        "x.conf:3: unknown key 'experiment.phases[0].events[0].migrate.colour'; expected one of: auto-converge, bandwidth, contents, max-downtime, max-rounds, strategy, to, vm");
    assertMentions(
        error(experiment(phase.formatted("{ at = 1s, migrate { vm = data-1, to = app-1, max-rounds = many } }"))),
        "x.conf:3: 'experiment.phases[0].events[0].migrate.max-rounds' is \"many\" (a string); expected a number, such as 30");
    assertMentions(error(experiment(phase.formatted("{ at = 1s, migrate { vm = nobody, to = app-1 } }"))), "x.conf", "phase p", "vm: no VM 'nobody'");
    assertMentions(error(experiment(phase.formatted("{ at = 1s, migrate { vm = data-1, to = app-1, strategy = teleport } }"))), "strategy: 'teleport'");
    assertMentions(error(experiment(phase.formatted("{ at = 9s, migrate { vm = data-1, to = app-1 } }"))), "x.conf:3: experiment.phases[0].events: an event at 9000 ms is not within the phase");
    assertMentions(error(experiment(phase.formatted("{ migrate { vm = data-1, to = app-1 } }"))), "needs `at`");
  }

  @Test
  void theOverloadExperimentOffersMultiplesOfThePredictedCapacity() {
    Experiment e = ExperimentLoader.load(Path.of("../config/experiments/overload.conf"));
    assertEquals(List.of("proxy-0.5x", "proxy-1x", "proxy-2x", "proxy-3x"), e.phases().stream().map(Phase::name).toList());
    // The default scenario's dispatcher: 0.8 ms per request and per reply on one core, 625 req/s.
    assertEquals(List.of(312.5, 625.0, 1250.0, 1875.0), e.phases().stream().map(p -> p.load().rate()).toList());
  }

  @Test
  void faultEventsBecomeBodiesOfPostFaults() throws IOException {
    String phase = "phases = [ { name = p, rate = 10, duration = 50s, warmup = 1s, events = [ %s ] } ]";
    Experiment e =
        ExperimentLoader.load(experiment(phase.formatted("{ at = 2s, fault { kind = freeze, node = app-2, duration = 12s } }, { at = 20s, fault { kind = kill, node = app-1 } }")));
    PhaseEvent freeze = e.phases().get(0).events().get(0);
    assertEquals("/faults", freeze.path());
    assertEquals("{\"kind\":\"freeze\",\"node\":\"app-2\",\"duration_ms\":12000}", freeze.body().toString());
    assertEquals("freeze app-2 for 12.0 s", freeze.describe());
    assertEquals("kill app-1", e.phases().get(0).events().get(1).describe());

    assertMentions(error(experiment(phase.formatted("{ at = 1s, fault { kind = kill, node = app-9 } }"))), "phase p", "fault.node: no node app-9");
    assertMentions(error(experiment(phase.formatted("{ at = 1s, fault { kind = melt, node = app-1 } }"))), "fault.kind: expected one of [kill, freeze, restart, link, cut, heal, crash-host, recover-host]");
    assertMentions(error(experiment(phase.formatted("{ at = 1s, fault { kind = freeze, node = app-1 } }"))), "fault.duration: required");
    assertMentions(error(experiment(phase.formatted("{ at = 1s, fault { kind = kill, node = app-1, signal = 9 } }"))),
        "x.conf:3: unknown key 'experiment.phases[0].events[0].fault.signal'; expected one of: bandwidth, duration, from, host, kind, latency, loss, node, to");
    assertMentions(error(experiment(phase.formatted("{ at = 1s, fault { kind = kill, node = app-1 }, migrate { vm = data-1, to = app-1 } }"))), "one of `migrate");
    assertMentions(error(experiment(phase.formatted("{ at = 1s, fault { kind = cut, from = app-1, to = data-1 } }"))), "fault.kind: a cut needs a datacenter");
  }

  @Test
  void aSweepTakesRatesOrFactorsNotBoth() throws IOException {
    assertMentions(error(experiment("sweep { modes = [proxy], rates = [10], factors = [1] }")), "sweep.factors", "not both");
    assertMentions(error(experiment("sweep { modes = [proxy], factors = [0] }")), "sweep.factors", "above zero");
  }

  @Test
  void everyShippedExperimentLoads() throws IOException {
    Experiment scaleOut = ExperimentLoader.load(Path.of("../config/experiments/dispatcher-scale-out.conf"));
    assertEquals(4, scaleOut.scenario().count(clusteremu.node.datacenter.ComponentKind.DISPATCHER));
    assertEquals(java.util.List.of(1, 1, 2, 4), scaleOut.phases().stream().map(p -> p.load().dispatchers()).toList());
    Experiment policies = ExperimentLoader.load(Path.of("../config/experiments/dispatch-policies.conf"));
    assertEquals(
        java.util.List.of("round-robin", "random", "least-outstanding", "power-of-two"),
        policies.phases().stream().map(p -> p.load().policy().configName()).toList());
    assertEquals(4, policies.scenario().node("app-1").orElseThrow().componentSettings(clusteremu.node.datacenter.ComponentKind.APP_SERVER).getInt("cores"));
    try (var files = Files.list(Path.of("../config/experiments"))) {
      for (Path file : files.toList()) {
        assertTrue(ExperimentLoader.load(file).phases().size() > 0, file.toString());
      }
    }
  }

  @Test
  void aTypoInAShippedExperimentNamesItsFileAndLine() throws IOException {
    String typo =
        Files.readString(SHIPPED)
            .replace("scenario = \"../default.conf\"", "scenario = \"" + SCENARIO + "\"")
            .replace("queue-capacity = 100", "queue-capacty = 100");
    int line = (int) typo.substring(0, typo.indexOf("queue-capacty")).lines().count();
    Path file = dir.resolve("dispatcher-bottleneck.conf");
    Files.writeString(file, typo);
    assertEquals(
        file + ":" + line + ": unknown key 'experiment.overrides.dispatcher.queue-capacty'; did you mean 'queue-capacity'?", error(file));
  }

  @Test
  void explicitPhasesTakeTheirOwnSettingsOverTheLoadBlock() throws IOException {
    Experiment e =
        ExperimentLoader.load(
            experiment("load { duration = 3s }\nphases = [ { name = warm, rate = 50 }, { name = users, users = 8, mode = handoff, duration = 4s } ]"));
    assertEquals(2, e.phases().size());
    assertNull(e.phases().get(0).load().mode(), "no mode: as configured");
    assertEquals(Duration.ofSeconds(3), e.phases().get(0).load().duration());
    assertEquals(8, e.phases().get(1).load().users());
    assertEquals(0, e.phases().get(1).load().rate(), "users alone make a closed loop");
    assertEquals(Duration.ofSeconds(4), e.phases().get(1).load().duration());
  }

  @Test
  void variantsLayTheirOverridesOverTheExperiments() {
    Experiment placement = ExperimentLoader.load(Path.of("../config/experiments/placement.conf"));
    assertEquals(List.of("same-rack", "other-row"), placement.variants().stream().map(Experiment.Variant::name).toList());
    var near = placement.variants().get(0).scenario().datacenter().orElseThrow();
    var far = placement.variants().get(1).scenario().datacenter().orElseThrow();
    assertEquals("a1", near.hosts().get(near.vm("data-1").orElseThrow().host()).rack());
    assertEquals("row-b", far.hosts().get(far.vm("data-1").orElseThrow().host()).row());
    assertEquals("a1-h4", far.vm("app-2").orElseThrow().host(), "the experiment's overrides hold in every variant");
    assertEquals(4, placement.variants().get(0).scenario().config().getInt("clusteremu.app-server.data-calls"));
    for (var variant : List.of(near, far)) {
      assertTrue(
          variant.hostsOf("rack-a2").stream().anyMatch(h -> h.name().equals(variant.vm("data-1").orElseThrow().host())),
          "the data server's JVM is the same in every variant, so only the emulated distance differs");
    }
    Experiment threading = ExperimentLoader.load(Path.of("../config/experiments/threading-models.conf"));
    assertEquals(6, threading.variants().size());
    assertEquals(
        32, threading.variants().get(4).scenario().datacenter().orElseThrow().vm("app-1").orElseThrow().guestSettings().getInt("workers"));
  }

  @Test
  void refusesWhatCannotRun() throws IOException {
    assertMentions(error(dir.resolve("none.conf")), "no such experiment file");
    assertMentions(error(experiment("sweep { modes = [proxy], rate = [1] }")), "x.conf:3: unknown key 'experiment.sweep.rate'; did you mean 'rates'?");
    assertMentions(error(experiment("phasez = []")), "x.conf:3: unknown key 'experiment.phasez'; did you mean 'phases'?");
    assertMentions(
        error(experiment("phases = [ { rate = 5, colour = red } ]")),
        "x.conf:3: unknown key 'experiment.phases[0].colour'; expected one of: arrivals, dispatchers, duration, events, keys, max-in-flight,"
            + " mode, name, policy, rate, read-ratio, seed, think-time, timeout, users, warmup");
    assertMentions(error(experiment("load { warmpu = 5s }")), "x.conf:3: unknown key 'experiment.load.warmpu'; did you mean 'warmup'?");
    assertMentions(error(experiment("cluster-warmup = soon")), "x.conf:3: 'experiment.cluster-warmup' is \"soon\" (a string); expected a duration, such as 20s");
    assertMentions(
        error(experiment("overrides.dispatcher.polcy = random")),
        "x.conf:3: unknown key 'experiment.overrides.dispatcher.polcy'; did you mean 'policy'?");
    assertMentions(error(experiment("")), "no phases");
    assertMentions(error(experiment("sweep { modes = [proxy] }")), "sweep.modes and sweep.rates");
    assertMentions(error(experiment("sweep { modes = [sideways], rates = [5] }")), "mode", "proxy, handoff");
    assertMentions(error(experiment("phases = [ { name = a, rate = 5 }, { name = a, rate = 6 } ]")), "two phases are named 'a'");
    assertMentions(error(experiment("phases = [ { rate = -5 } ]")), "rate", "experiment.phases[0]");
    assertMentions(error(experiment("phases = [ { rate = 5 } ], variants = [ { name = a, overides {} } ]")),
        "x.conf:3: unknown key 'experiment.variants[0].overides'; did you mean 'overrides'?");
    assertMentions(
        error(experiment("phases = [ { rate = 5 } ], variants = [ { name = a, overrides.app-server.threding = forked } ]")),
        "x.conf:3: unknown key 'experiment.variants[0].overrides.app-server.threding'; did you mean 'threading'?");
    assertMentions(error(experiment("phases = [ { rate = 5 } ], variants = [ { name = a }, { name = a } ]")), "two variants are named 'a'");
    assertMentions(
        error(experiment("phases = [ { rate = 5 } ], variants = [ { name = a, overrides.app-server.threading = forked } ]")),
        "threading", "single-threaded, thread-pool, event-driven", "variant 'a'");
    Path badScenario = dir.resolve("y.conf");
    Files.writeString(badScenario, "experiment { scenario = \"nowhere.conf\", phases = [ { rate = 5 } ] }");
    assertMentions(error(badScenario), "nowhere.conf", "does not exist");
  }
}
