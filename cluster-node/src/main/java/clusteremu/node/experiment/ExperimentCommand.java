package clusteremu.node.experiment;

import clusteremu.node.launch.MemberShutdown;
import clusteremu.node.launch.InterruptHook;
import clusteremu.node.launch.MemberConfig;
import clusteremu.node.report.Report;
import clusteremu.node.launch.ClusterLauncher;
import clusteremu.node.run.PhaseRecord;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.control.ControlClient;
import clusteremu.node.datacenter.emulation.OutsideNetwork;
import clusteremu.node.scenario.Scenario;
import clusteremu.tiers.machine.Outbound;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import clusteremu.node.config.ScenarioException;
import clusteremu.tiers.driver.Driver;
import clusteremu.tiers.driver.LoadSettings;
import clusteremu.tiers.driver.Summary;
import clusteremu.tiers.time.TimeDilation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.ConfigValueFactory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = {
      "Run a whole experiment: start its scenario's JVMs, run its load phases one after another (progress each second),",
      "stop the cluster, and write the report. Everything lands in runs/<run-id>/: phases/<nn>-<name>/ (summary.json,",
      "latency.hlog), phases.json, experiment.conf, report.html. Ctrl-C ends the phase under way, keeps what was measured,",
      "and stops the cluster."
    })
public final class ExperimentCommand implements Callable<Integer> {
  static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).enable(SerializationFeature.INDENT_OUTPUT);

  @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "Experiment file, e.g. config/experiments/dispatcher-bottleneck.conf.")
  Path file;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Experiment experiment;
    try {
      experiment = ExperimentLoader.load(file);
    } catch (ScenarioException e) {
      System.err.println("clusteremu: " + e.getMessage());
      return 2;
    }
    out.printf("experiment %s: %s%n%d phases%s, about %d s of load%n", experiment.name(), experiment.description(), experiment.phases().size(),
        experiment.variants().size() > 1 ? " in each of " + experiment.variants().size() + " variants" : "", experiment.loadTime().toSeconds());
    Map<String, List<PhaseOutcome>> byVariant = new LinkedHashMap<>();
    for (Experiment.Variant variant : experiment.variants()) {
      if (experiment.variants().size() > 1) {
        out.printf("%n##### variant %s #####%n", variant.name());
      }
      List<PhaseOutcome> outcomes = new ArrayList<>();
      int code = runVariant(experiment, variant, outcomes);
      byVariant.put(variant.name(), outcomes);
      if (code != 0) {
        return code;
      }
    }
    if (experiment.variants().size() > 1) {
      printVariants(byVariant);
    }
    return 0;
  }

  /** One phase as measured, for the comparison of variants. */
  record PhaseOutcome(String phase, Summary summary, Path run) {}

  private void printVariants(Map<String, List<PhaseOutcome>> byVariant) {
    out.printf("%n=== variants compared ===%n");
    clusteremu.node.report.TextTable table =
        new clusteremu.node.report.TextTable("VARIANT", "PHASE", "OFFERED/S", "THROUGHPUT/S", "P50 MS", "P99 MS", "FAILED", "TIMED OUT", "RUN");
    byVariant.forEach(
        (variant, outcomes) -> {
          for (PhaseOutcome o : outcomes) {
            Summary s = o.summary();
            table.row(variant, o.phase(), String.format("%.1f", s.offeredRate()), String.format("%.1f", s.throughput()),
                String.format("%.1f", s.latencyMicros().getValueAtPercentile(50) / 1000.0), String.format("%.1f", s.latencyMicros().getValueAtPercentile(99) / 1000.0), String.valueOf(s.failed()), String.valueOf(s.timeouts()),
                o.run().getFileName().toString());
          }
        });
    table.print(out);
  }

  private int runVariant(Experiment experiment, Experiment.Variant variant, List<PhaseOutcome> outcomes) throws Exception {
    Scenario scenario = variant.scenario();
    RunDirectory run;
    try {
      run = ClusterLauncher.launch(scenario, scenario.startupTimeout(), out);
    } catch (ClusterLauncher.LaunchFailed e) {
      System.err.println("clusteremu: " + e.getMessage());
      return e.badInput() ? 2 : 1;
    }
    Files.copy(file, run.root().resolve("experiment.conf"));
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Optional<OutsideNetwork> outside = OutsideNetwork.of(scenario);
    ActorSystem<PhaseRunner.Command> system =
        ActorSystem.create(
            PhaseRunner.create(outside.<Outbound>map(n -> n).orElse(Outbound.DIRECT), scenario.timeDilation()),
            scenario.clusterName(),
            MemberConfig.forMember(scenario, scenario.memberMachine(null), 0, List.of("driver"))
                .withValue("pekko.loglevel", ConfigValueFactory.fromAnyRef("WARNING"))
                .withValue("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", ConfigValueFactory.fromAnyRef("off")));
    outside.ifPresent(network -> network.follow(system));
    Cancellable hook =
        InterruptHook.register(
            system,
            () -> {
              interrupted.set(true);
              system.tell(PhaseRunner.InterruptPhase.INSTANCE);
            },
            finished,
            scenario.timeDilation().real(Driver.INTERRUPT_GRACE).plusSeconds(90));
    List<PhaseRecord> records = new ArrayList<>();
    try {
      warmUp(system, experiment, scenario.timeDilation());
      List<Phase> phases = experiment.phases();
      for (int i = 0; i < phases.size() && !interrupted.get(); i++) {
        Phase phase = phases.get(i);
        String dirName = String.format("%02d-%s", i + 1, phase.name());
        Path dir = run.root().resolve("phases").resolve(dirName);
        Files.createDirectories(dir);
        out.printf("%n=== phase %d/%d: %s ===%n", i + 1, phases.size(), phase.name());
        String prefix = String.format("[%d/%d %s] ", i + 1, phases.size(), phase.name());
        Summary summary;
        try (PrintStream hlog = new PrintStream(Files.newOutputStream(dir.resolve("latency.hlog")), false, "UTF-8");
            clusteremu.node.metrics.SecondsLog seconds = new clusteremu.node.metrics.SecondsLog(dir.resolve("outcomes.jsonl"));
            PhaseEvents events = new PhaseEvents(ControlClient.of(scenario, null, run.root()), scenario.timeDilation(), out, prefix)) {
          CompletionStage<Driver.Outcome> result =
              runPhase(system, phase.load(), new Driver.Output(line -> out.println(prefix + line), hlog, seconds),
                  scenario.timeDilation().real(phase.load().warmup().plus(phase.load().duration()).plus(phase.load().timeout())).plusSeconds(120));
          events.start(phase);
          Driver.Outcome outcome = result.toCompletableFuture().get();
          if (outcome instanceof Driver.NotStarted notStarted) {
            System.err.println("clusteremu experiment: phase " + phase.name() + ": " + notStarted.reason());
            return 1;
          }
          summary = ((Driver.Completed) outcome).summary();
          events.settle(dir);
        } catch (ExecutionException e) {
          String why =
              e.getCause() instanceof TimeoutException
                  ? "did not finish within its warm-up, duration and timeout and 120 s more"
                  : e.getCause().getMessage();
          System.err.println("clusteremu experiment: phase " + phase.name() + ": " + why);
          return 1;
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("summary.json").toFile(), summary.toJson());
        records.add(
            new PhaseRecord(
                phase.name(),
                "phases/" + dirName,
                phase.load().mode() == null ? null : phase.load().mode().configName(),
                phase.load().policy() == null ? null : phase.load().policy().configName(),
                phase.load().rate(),
                phase.load().users(),
                summary.measuredFromMillis(),
                summary.measuredToMillis(),
                summary.interrupted()));
        JSON.writeValue(run.root().resolve("phases.json").toFile(), records);
        outcomes.add(new PhaseOutcome(phase.name(), summary, run.root()));
        out.printf("%sdone: offered %.1f req/s, throughput %.1f req/s, %d failed, %d timed out%n", prefix, summary.offeredRate(), summary.throughput(), summary.failed(), summary.timeouts());
      }
    } finally {
      MemberShutdown.leave(system, "experiment", System.err);
      List<ProcessHandle> stopped = new ArrayList<>();
      ClusterLauncher.stop(run, scenario, stopped);
      outside.ifPresent(OutsideNetwork::close);
      out.printf("%nstopped the %d nodes of %s%n", stopped.size(), run.root());
      finished.countDown();
    }
    hook.cancel(); // false when interrupted: the hook is waiting for us, and we are done

    if (records.isEmpty()) {
      System.err.println("clusteremu experiment: interrupted before any phase was measured; no report");
      return 1;
    }
    out.println();
    Report.of(run.root()).print(out).writeHtml();
    out.println("report: " + run.root().resolve("report.html"));
    return interrupted.get() ? 1 : 0;
  }

  /** Runs the first phase's load for the cluster warm-up, unrecorded, printing only how it went. */
  private void warmUp(ActorSystem<PhaseRunner.Command> system, Experiment experiment, TimeDilation time) throws Exception {
    if (experiment.clusterWarmup().isZero()) {
      return;
    }
    LoadSettings first = experiment.phases().get(0).load();
    // The warm-up is for the real JVMs (JIT, connections), so it lasts real seconds: under time
    // dilation its load runs for that long over k, in emulated time.
    Duration emulated = Duration.ofNanos(Math.max(1, (long) (experiment.clusterWarmup().toNanos() / time.factor())));
    LoadSettings warmup =
        new LoadSettings(
            first.rate(), first.arrivals(), first.users(), first.thinkTime(), emulated, Duration.ZERO,
            first.timeout(), first.readRatio(), first.keys(), first.seed(), first.maxInFlight(), 0, first.mode(), first.policy());
    out.printf("%n=== warming up the cluster for %s real s (not measured) ===%n", LoadSettings.seconds(experiment.clusterWarmup()));
    Driver.Outcome outcome =
        runPhase(system, warmup, new Driver.Output(line -> {}, null), experiment.clusterWarmup().plus(time.real(first.timeout())).plusSeconds(120))
            .toCompletableFuture()
            .get();
    if (outcome instanceof Driver.NotStarted notStarted) {
      throw new IllegalStateException("the cluster warm-up did not start: " + notStarted.reason());
    }
    Summary summary = ((Driver.Completed) outcome).summary();
    out.printf("warm-up: %d sent, %d ok, p50 %.1f ms%n", summary.sent(), summary.ok(), summary.latencyMicros().getValueAtPercentile(50) / 1000.0);
  }

  /** Runs one load on the phase runner; what became of it arrives within {@code limit}, or the ask times out. */
  private static CompletionStage<Driver.Outcome> runPhase(
      ActorSystem<PhaseRunner.Command> system, LoadSettings load, Driver.Output output, Duration limit) {
    return AskPattern.ask(system, replyTo -> new PhaseRunner.RunPhase(load, output, replyTo), limit, system.scheduler());
  }
}
