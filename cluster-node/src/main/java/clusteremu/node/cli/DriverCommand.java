package clusteremu.node.cli;

import clusteremu.node.launch.MemberShutdown;
import clusteremu.node.launch.InterruptHook;
import clusteremu.node.launch.MemberConfig;
import clusteremu.node.launch.RunningCluster;
import clusteremu.node.datacenter.emulation.OutsideNetwork;
import clusteremu.node.scenario.Scenario;
import clusteremu.tiers.machine.Outbound;
import clusteremu.node.config.ScenarioException;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import clusteremu.tiers.driver.Driver;
import clusteremu.tiers.driver.LoadSettings;
import clusteremu.tiers.driver.Summary;
import clusteremu.tiers.time.TimeDilation;
import clusteremu.tiers.settings.ConfigNamed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "driver",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Join the running cluster from a JVM of its own and send load to its dispatchers.",
      "Open loop with --rate (latency from each request's intended send time, so a stalled cluster cannot hide its stall), or closed loop with --users.",
      "Prints a progress line each second, drains what is in flight, prints a summary, and writes summary.json and latency.hlog (HdrHistogram interval log, microseconds).",
      "Defaults come from clusteremu.driver of the run's scenario (see the tiers reference.conf).",
      "Under the scenario's clusteremu.time-dilation k, rates, durations, the timeout, think time and every figure printed are emulated: the load takes k times longer in real time."
    })
final class DriverCommand implements java.util.concurrent.Callable<Integer> {

  @Option(names = "--rate", description = "Open loop: requests per second (default: clusteremu.driver.rate, 200).")
  Double rate;

  @Option(names = "--arrivals", description = "Open loop spacing: constant or poisson (default: clusteremu.driver.arrivals, poisson).")
  String arrivals;

  @Option(names = "--users", description = "Closed loop: this many users, each waiting for its answer before the next request. Excludes --rate.")
  Integer users;

  @Option(names = "--think-time", converter = DurationConverter.class, description = "Closed loop: pause of a user between an answer and its next request (default 0ms).")
  Duration thinkTime;

  @Option(names = "--duration", converter = DurationConverter.class, description = "Measured load, e.g. 30s or 2m (default: clusteremu.driver.duration, 10s).")
  Duration duration;

  @Option(names = "--warmup", converter = DurationConverter.class, description = "Load before the measured part, counted but not measured (default 2s).")
  Duration warmup;

  @Option(names = "--timeout", converter = DurationConverter.class, description = "A request unanswered this long after it was sent counts as timed out (default 5s).")
  Duration timeout;

  @Option(names = "--read-ratio", description = "Fraction of requests that read; the rest write (default 0.9).")
  Double readRatio;

  @Option(names = "--keys", description = "Keys are drawn uniformly from [0, keys) (default 10000).")
  Long keys;

  @Option(names = "--seed", description = "Seed of keys, operations and Poisson gaps (default 42).")
  Long seed;

  @Option(names = "--max-in-flight", description = "Requests on their way at once; beyond it due requests wait in the driver (default 1000).")
  Integer maxInFlight;

  @Option(names = "--dispatchers", description = "Spread requests over only the first N dispatchers (by address), as DNS round robin over N names would (default: all).")
  Integer dispatchers;

  @Option(names = "--mode", description = "Switch every dispatcher to proxy or handoff before the load (default: leave as configured).")
  String mode;

  @Option(names = "--policy", description = "Switch every dispatcher to round-robin, random, least-outstanding or power-of-two before the load (default: leave as configured).")
  String policy;

  @Option(names = "--run", description = "Run directory of the cluster to load (default: runs/latest).")
  Path run;

  @Option(
      names = "--port",
      description = "TCP port the driver's own cluster member binds on its machine; the nodes dial back to it. Across machines, one the firewall lets in (default 0: any free port).")
  int port;

  @Option(names = "--out", description = "Where to write summary.json and latency.hlog (default: the run directory).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      System.err.println("clusteremu driver: --port " + port + " is not a TCP port; expected 1 to 65535, or 0 for any free port");
      return 2;
    }
    Optional<RunningCluster> cluster;
    Scenario scenario;
    LoadSettings settings;
    try {
      cluster = RunningCluster.at(run);
      if (cluster.isEmpty()) {
        System.err.println("clusteremu: no running cluster found (" + RunningCluster.where(run) + " has no scenario.conf); start one with scripts/cluster up");
        return 2;
      }
      scenario = cluster.get().scenario();
      settings = settings(LoadSettings.fromConfig(scenario.config().getConfig("clusteremu.driver")));
    } catch (ScenarioException e) {
      System.err.println("clusteremu: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      System.err.println("clusteremu driver: " + e.getMessage());
      return 2;
    }
    Path outDir = out != null ? out : cluster.get().run().root();
    Files.createDirectories(outDir);
    Config config =
        MemberConfig.forMember(scenario, cluster.get().memberMachine(), port, List.of("driver"))
            .withValue("pekko.loglevel", ConfigValueFactory.fromAnyRef("WARNING"))
            // The driver's own shutdown hook runs coordinated shutdown once the summary is written.
            .withValue("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", ConfigValueFactory.fromAnyRef("off"));
    TimeDilation time = scenario.timeDilation();
    CompletableFuture<Driver.Outcome> result = new CompletableFuture<>();
    CountDownLatch finished = new CountDownLatch(1);
    Summary summary;
    Optional<OutsideNetwork> outside = OutsideNetwork.of(scenario);
    try (PrintStream histogramLog = new PrintStream(Files.newOutputStream(outDir.resolve("latency.hlog")), false, "UTF-8");
        clusteremu.node.metrics.SecondsLog seconds = new clusteremu.node.metrics.SecondsLog(outDir.resolve("outcomes.jsonl"))) {
      ActorSystem<Driver.Command> system =
          ActorSystem.create(
              Behaviors.setup(
                  context ->
                      Driver.create(
                          settings,
                          new Driver.Output(System.out::println, histogramLog, seconds),
                          context.spawn(completing(result), "outcome"),
                          outside.<Outbound>map(n -> n).orElse(Outbound.DIRECT),
                          time)),
              scenario.clusterName(),
              config);
      outside.ifPresent(network -> network.follow(system));
      // Ctrl-C or SIGTERM: the driver stops early and still accounts for every request.
      Cancellable hook =
          InterruptHook.register(system, () -> system.tell(Driver.Interrupt.INSTANCE), finished, time.real(Driver.INTERRUPT_GRACE).plusSeconds(20));
      Duration limit =
          Driver.DISPATCHER_WAIT.plus(time.real(settings.warmup().plus(settings.duration()).plus(settings.timeout()))).plusSeconds(30);
      Driver.Outcome outcome;
      try {
        outcome = result.get(limit.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        System.err.println("clusteremu driver: the run did not finish within " + limit.toSeconds() + " s");
        leave(system, finished);
        return 1;
      }
      if (outcome instanceof Driver.NotStarted notStarted) {
        System.err.println("clusteremu driver: " + notStarted.reason());
        leave(system, finished);
        return 1;
      }
      summary = ((Driver.Completed) outcome).summary();
      try {
        writeSummary(summary, outDir);
      } finally {
        leave(system, finished);
      }
      hook.cancel(); // false when the hook is what brought us here: it returns now that the latch is open
    }
    outside.ifPresent(OutsideNetwork::close);
    if (!summary.balanced()) {
      System.err.println("clusteremu driver: the accounts do not balance: sent != ok + failed + timeouts");
      return 1;
    }
    return 0;
  }

  /** Completes the command's own future with what the driver tells: its summary, or why it never started. */
  private static Behavior<Driver.Outcome> completing(CompletableFuture<Driver.Outcome> result) {
    return Behaviors.receiveMessage(
        outcome -> {
          result.complete(outcome);
          return Behaviors.stopped();
        });
  }

  /** Leaves the cluster gracefully, so the nodes see the driver go instead of losing it. */
  private static void leave(ActorSystem<?> system, CountDownLatch finished) throws Exception {
    try {
      MemberShutdown.leave(system, "driver", System.err);
    } finally {
      finished.countDown();
    }
  }

  private static void writeSummary(Summary summary, Path outDir) throws java.io.IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path summaryFile = outDir.resolve("summary.json");
    json.writeValue(summaryFile.toFile(), summary.toJson());
    System.out.println();
    SummaryTable.print(List.of(new SummaryTable.Column(outDir.getFileName().toString(), summary.toJson())), System.out);
    System.out.println("wrote " + summaryFile + " and " + outDir.resolve("latency.hlog") + (summary.interrupted() ? " (interrupted run)" : ""));
  }

  /** The scenario's defaults with what was given on the command line on top. */
  private LoadSettings settings(LoadSettings defaults) {
    if (rate != null && users != null) {
      throw new IllegalArgumentException("--rate and --users exclude each other; give --rate for an open loop or --users for a closed loop");
    }
    double effectiveRate = users != null ? 0 : rate != null ? rate : defaults.rate();
    int effectiveUsers = rate != null ? 0 : users != null ? users : defaults.users();
    if (rate != null && !(rate > 0)) {
      throw new IllegalArgumentException("--rate is " + rate + "; expected requests per second above zero");
    }
    if (users != null && users <= 0) {
      throw new IllegalArgumentException("--users is " + users + "; expected a number of users above zero");
    }
    positive("--duration", duration);
    positive("--timeout", timeout);
    if (warmup != null && warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup is " + warmup + "; expected zero or more, e.g. 5s");
    }
    if (thinkTime != null && thinkTime.isNegative()) {
      throw new IllegalArgumentException("--think-time is " + thinkTime + "; expected zero or more, e.g. 100ms");
    }
    if (readRatio != null && !(readRatio >= 0 && readRatio <= 1)) {
      throw new IllegalArgumentException("--read-ratio is " + readRatio + "; expected a fraction from 0 to 1");
    }
    if (keys != null && keys <= 0) {
      throw new IllegalArgumentException("--keys is " + keys + "; expected a number of keys above zero");
    }
    if (dispatchers != null && dispatchers < 0) {
      throw new IllegalArgumentException("--dispatchers is " + dispatchers + "; expected a number of dispatchers, or 0 for all");
    }
    if (maxInFlight != null && maxInFlight <= 0) {
      throw new IllegalArgumentException("--max-in-flight is " + maxInFlight + "; expected a number above zero");
    }
    return new LoadSettings(
        effectiveRate,
        arrivals != null ? named(LoadSettings.Arrivals.class, "--arrivals", arrivals) : defaults.arrivals(),
        effectiveUsers,
        thinkTime != null ? thinkTime : defaults.thinkTime(),
        duration != null ? duration : defaults.duration(),
        warmup != null ? warmup : defaults.warmup(),
        timeout != null ? timeout : defaults.timeout(),
        readRatio != null ? readRatio : defaults.readRatio(),
        keys != null ? keys : defaults.keys(),
        seed != null ? seed : defaults.seed(),
        maxInFlight != null ? maxInFlight : defaults.maxInFlight(),
        dispatchers != null ? dispatchers : defaults.dispatchers(),
        mode != null ? named(Mode.class, "--mode", mode) : null,
        policy != null ? named(PolicyName.class, "--policy", policy) : null);
  }

  private static <E extends Enum<E> & ConfigNamed> E named(Class<E> type, String option, String value) {
    return ConfigNamed.byName(type, value)
        .orElseThrow(() -> new IllegalArgumentException(option + " is '" + value + "'; expected one of " + ConfigNamed.names(type)));
  }

  private static void positive(String option, Duration value) {
    if (value != null && (value.isZero() || value.isNegative())) {
      throw new IllegalArgumentException(option + " is " + value + "; expected a duration above zero, e.g. 30s");
    }
  }
}
