package clusteremu.node.bench;

import clusteremu.node.launch.MemberShutdown;
import clusteremu.node.datacenter.emulation.NetworkSwitch;
import clusteremu.node.datacenter.emulation.OutsideNetwork;
import clusteremu.node.launch.RunningCluster;
import clusteremu.node.run.Runs;
import clusteremu.node.scenario.Scenario;
import clusteremu.tiers.dispatcher.Dispatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The datacenter's two benchmark figures: how many hosts and idle VMs node JVMs carry, and
 * bytes of heap per idle VM ({@code scale}), and what the network model costs the tiers at zero configured latency
 * ({@code network}: the same cluster with the model switched on and off, round by round).
 */
@Command(
    name = "bench-datacenter",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "scale: start node JVMs (--nodes) with ever more hosts and idle VMs, and without the idle VMs, and print",
      "per node and in total ready time, heap after a full collection, bytes per idle VM, CPU and metrics lines.",
      "network: highest sustained rate of the tiers with the network model on and off, interleaved, on a",
      "running cluster of config/bench-datacenter.conf (scripts/bench-datacenter does both)."
    })
public final class DatacenterBenchCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "scale or network")
  String part;

  @Option(names = "--hosts", split = ",", defaultValue = "250,1000,4000", description = "scale: host counts to try, in order; stops at the first that does not come up. Default: ${DEFAULT-VALUE}.")
  List<Integer> hostSteps;

  @Option(names = "--vms-per-host", defaultValue = "10", description = "scale: idle VMs (1 vCPU, 2 GiB) per host. Default: ${DEFAULT-VALUE}.")
  int vmsPerHost;

  @Option(names = "--heap", defaultValue = "512m", description = "scale: each node JVM's -Xmx. Default: ${DEFAULT-VALUE}.")
  String heap;

  @Option(names = "--nodes", defaultValue = "1", description = "scale: node JVMs the racks are split over, evenly. Default: ${DEFAULT-VALUE}.")
  int nodes;

  @Option(names = "--datacenter-lines", defaultValue = "0", description = "scale: each node's clusteremu.metrics.datacenter-lines, the most host and VM lines it writes a metrics interval (0: a line for every host and VM). Default: ${DEFAULT-VALUE}.")
  int datacenterLines;

  @Mixin RoundsOptions load;

  /** How long the scale part lets the nodes idle (and write their metrics) before it measures. */
  private static final Duration SETTLE = Duration.ofSeconds(8);

  @Override
  public Integer call() throws Exception {
    String problem = problem();
    if (problem != null) {
      System.err.println("clusteremu bench-datacenter: " + problem);
      return 2;
    }
    if (load.checkOnly) {
      return 0;
    }
    return part.equals("scale") ? scale() : network();
  }

  /** What is wrong with the part or any option, or null: checked before either part starts. */
  private String problem() {
    if (!part.equals("scale") && !part.equals("network")) {
      return "part is '" + part + "'; expected scale or network";
    }
    if (vmsPerHost < 0 || hostSteps.stream().anyMatch(h -> h <= 0)) {
      return "--hosts must be above zero and --vms-per-host zero or more";
    }
    if (nodes < 1 || hostSteps.stream().anyMatch(h -> (h + ScaleScenario.HOSTS_PER_RACK - 1) / ScaleScenario.HOSTS_PER_RACK < nodes)) {
      return "--nodes must be at least 1 and at most the racks (ten hosts each) of the smallest --hosts";
    }
    if (datacenterLines < 0) {
      return "--datacenter-lines must be 0 (every host and VM) or more";
    }
    return load.problem();
  }

  private int scale() throws Exception {
    Path root = Runs.fromEnvironment().root();
    Path dir = Files.createDirectories(root.resolve("bench-scale"));
    // The steps' runs must not become runs/latest: that stays the user's cluster.
    Path latest = root.resolve("latest");
    Path latestBefore = Files.isSymbolicLink(latest) ? Files.readSymbolicLink(latest) : null;
    List<ScaleFigures> steps = new ArrayList<>();
    try {
      for (int hosts : hostSteps) {
        // Bytes per idle VM: this heap against the same nodes' with the same hosts and no idle VMs.
        System.out.printf("%n--- %d hosts, no idle VMs, over %d node JVM(s) (-Xmx%s each): the baseline ---%n", hosts, nodes, heap);
        Optional<List<ScaleBench.NodeFigures>> baseline = ScaleBench.run(dir, hosts, 0, nodes, heap, datacenterLines, SETTLE, System.out);
        System.out.printf("%n--- %d hosts, %d idle VMs over %d node JVM(s) (-Xmx%s each) ---%n", hosts, hosts * vmsPerHost, nodes, heap);
        Optional<List<ScaleBench.NodeFigures>> loaded = ScaleBench.run(dir, hosts, vmsPerHost, nodes, heap, datacenterLines, SETTLE, System.out);
        ScaleFigures step = new ScaleFigures(hosts, hosts * vmsPerHost, loaded.orElse(List.of()), baseline.orElse(List.of()));
        steps.add(step);
        if (step.up()) {
          step.printNodes(System.out);
        } else {
          break;
        }
      }
    } finally {
      Files.deleteIfExists(latest);
      if (latestBefore != null) {
        Files.createSymbolicLink(latest, latestBefore);
      }
    }
    System.out.println();
    ScaleFigures.printSteps(steps, System.out);
    ScaleFigures largest = steps.stream().filter(ScaleFigures::up).reduce((a, b) -> b).orElse(null);
    System.out.printf("%d node JVM(s) under -Xmx%s each carried %s (target: 250 hosts and 2500 VMs)%n", nodes, heap,
        largest == null ? "nothing" : largest.hosts() + " hosts and " + largest.vms() + " VMs, all Up");
    return largest != null ? 0 : 1;
  }

  private int network() throws Exception {
    Optional<RunningCluster> cluster = RunningCluster.latest();
    if (cluster.isEmpty() || cluster.get().scenario().datacenter().isEmpty()) {
      System.err.println("clusteremu bench-datacenter: no running datacenter cluster; start one with scripts/cluster up config/bench-datacenter.conf");
      return 2;
    }
    Scenario scenario = cluster.get().scenario();
    String costs = EmulatedCosts.refusal(scenario);
    if (costs != null) {
      System.err.println("clusteremu bench-datacenter: " + costs);
      return 2;
    }
    OutsideNetwork outside = OutsideNetwork.of(scenario).orElseThrow();
    ActorSystem<ClosedLoop.Command> system = BenchCommand.clientSystem(cluster.get());
    outside.follow(system);
    try {
      ActorRef<Dispatcher.Command> dispatcher = BenchCommand.find(system, Dispatcher.SERVICE_KEY);
      List<ActorRef<NetworkSwitch.Set>> switches = BenchCommand.findAll(system, NetworkSwitch.SERVICE_KEY, scenario.nodes().size());
      ClosedLoop.Tiers target = new ClosedLoop.Tiers(dispatcher, outside);
      System.out.printf("warming up for %d s, %d requests in flight ...%n", load.warmupSeconds, load.users);
      for (boolean on : List.of(true, false, true, false)) {
        measure(system, switches, outside, on, target, Duration.ofMillis(load.warmupSeconds * 250L + 1));
      }
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      for (int round = 1; round <= load.rounds; round++) {
        StringBuilder line = new StringBuilder(String.format("round %d:", round));
        for (boolean on : List.of(false, true)) {
          ClosedLoop.Result result = measure(system, switches, outside, on, target, Duration.ofSeconds(load.measureSeconds));
          if (result.failed() > 0) {
            System.err.printf("clusteremu bench-datacenter: %d of %d requests failed%n", result.failed(), result.answered());
            return 1;
          }
          String name = on ? "network model on" : "network model off";
          rates.computeIfAbsent(name, k -> new ArrayList<>()).add(result.rate());
          line.append(String.format("  %s %.0f/s", name, result.rate()));
        }
        System.out.println(line);
      }
      double off = BenchCommand.median(rates.get("network model off"));
      double on = BenchCommand.median(rates.get("network model on"));
      // Issue 12's target; the datacenter's first issue asked 0.80.
      System.out.printf("%nmedian req/s: model off %.0f, model on %.0f; on / off %.3f (target at least 0.95: %s)%n", off, on, on / off, on / off >= 0.95 ? "met" : "MISSED");
      return 0;
    } finally {
      outside.close();
      MemberShutdown.leave(system, "bench-datacenter", System.err);
    }
  }

  private ClosedLoop.Result measure(
      ActorSystem<ClosedLoop.Command> system, List<ActorRef<NetworkSwitch.Set>> switches, OutsideNetwork outside, boolean on, ClosedLoop.Target target, Duration duration)
      throws Exception {
    for (ActorRef<NetworkSwitch.Set> s : switches) {
      AskPattern.<NetworkSwitch.Set, NetworkSwitch.Done>ask(s, replyTo -> new NetworkSwitch.Set(on, replyTo), Duration.ofSeconds(10), system.scheduler())
          .toCompletableFuture()
          .get(15, TimeUnit.SECONDS);
    }
    outside.setModelled(on);
    return AskPattern.<ClosedLoop.Command, ClosedLoop.Result>ask(
            system, replyTo -> new ClosedLoop.Run(target, load.users, duration, replyTo), duration.plusSeconds(30), system.scheduler())
        .toCompletableFuture()
        .get(duration.toSeconds() + 40, TimeUnit.SECONDS);
  }
}
