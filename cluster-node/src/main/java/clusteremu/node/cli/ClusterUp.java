package clusteremu.node.cli;

import clusteremu.node.run.NodeProcesses;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.RunningCluster;
import clusteremu.node.run.Runs;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioException;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.node.status.NodeStatus;
import clusteremu.node.status.StatusFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start one background JVM per node of a scenario and wait until every member is Up and every component is seen across the cluster.",
      "Writes runs/<run-id>/ (scenario.conf, logs/, metrics/, status/, pids/) and points runs/latest at it.",
      "On failure prints the failing node's log tail, stops every JVM it started, and exits 1; bad input exits 2."
    })
final class ClusterUp implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = "${env:CLUSTEREMU_HOME:-.}/config/default.conf",
      description = "Scenario file (HOCON). Default: config/default.conf of the project.")
  Path scenarioFile;

  @Option(
      names = "--timeout",
      converter = DurationConverter.class,
      description = "How long to wait for the cluster, e.g. 2m. Default: clusteremu.startup-timeout of the scenario (90s).")
  Duration timeout;

  private final PrintStream out = System.out;
  private final PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    Scenario scenario;
    try {
      scenario = ScenarioLoader.load(scenarioFile);
    } catch (ScenarioException e) {
      err.println("clusteremu: " + e.getMessage());
      return 2;
    }
    Optional<String> running = runningCluster();
    if (running.isPresent()) {
      err.println("clusteremu: a cluster is already running (" + running.get() + "); stop it first with scripts/cluster down");
      return 2;
    }
    for (NodeSpec node : scenario.nodes()) {
      if (!portFree(scenario.hostname(), node.port())) {
        err.println(
            "clusteremu: "
                + scenarioFile
                + ": port "
                + node.port()
                + " of node '"
                + node.name()
                + "' (clusteremu.nodes."
                + node.name()
                + ".port) is in use on "
                + scenario.hostname()
                + "; expected a free port");
        return 2;
      }
    }
    RunDirectory run = Runs.fromEnvironment().create(scenario.name());
    Files.writeString(run.scenario(), scenario.render());
    out.printf("run %s: starting %d nodes of %s%n", run.root(), scenario.nodes().size(), scenarioFile);
    Map<String, ProcessHandle> started = new LinkedHashMap<>();
    for (NodeSpec node : scenario.nodes()) {
      started.put(node.name(), NodeProcesses.start(run, node));
    }
    Duration limit = timeout != null ? timeout : scenario.startupTimeout();
    String failure = awaitReady(scenario, run, started, limit);
    if (failure != null) {
      err.println("clusteremu: " + failure);
      int killed = NodeProcesses.stop(new ArrayList<>(started.values()), scenario.shutdownTimeout());
      err.printf("stopped the %d JVMs it started%s%n", started.size(), killed > 0 ? " (" + killed + " killed)" : "");
      return 1;
    }
    StatusTable.print(scenario, run, out);
    return 0;
  }

  /** Waits until every node is ready; returns null when all are, or what went wrong. */
  private String awaitReady(Scenario scenario, RunDirectory run, Map<String, ProcessHandle> started, Duration limit)
      throws InterruptedException {
    long begin = System.nanoTime();
    long deadline = begin + limit.toNanos();
    List<String> ready = new ArrayList<>();
    while (ready.size() < started.size()) {
      for (Map.Entry<String, ProcessHandle> node : started.entrySet()) {
        if (!node.getValue().isAlive()) {
          return "node '" + node.getKey() + "' exited during start-up; the end of " + run.log(node.getKey()) + ":\n" + tail(run.log(node.getKey()), 25);
        }
        if (!ready.contains(node.getKey())) {
          Optional<NodeStatus> status = StatusFiles.read(run, node.getKey());
          if (status.isPresent() && StatusFiles.ready(status.get(), scenario)) {
            ready.add(node.getKey());
            out.printf("  %-16s ready after %.1f s%n", node.getKey(), (System.nanoTime() - begin) / 1e9);
          }
        }
      }
      if (System.nanoTime() - deadline > 0) {
        String late = started.keySet().stream().filter(n -> !ready.contains(n)).findFirst().orElseThrow();
        return "the cluster was not ready within "
            + limit.toSeconds()
            + " s: "
            + (started.size() - ready.size())
            + " node(s) not ready, first '"
            + late
            + "'; the end of "
            + run.log(late)
            + ":\n"
            + tail(run.log(late), 25);
      }
      Thread.sleep(250);
    }
    return null;
  }

  private static Optional<String> runningCluster() {
    try {
      Optional<RunningCluster> latest = RunningCluster.latest();
      if (latest.isPresent()) {
        for (NodeSpec node : latest.get().scenario().nodes()) {
          if (NodeProcesses.find(latest.get().run(), node.name()).isPresent()) {
            return Optional.of(latest.get().run().root().toString());
          }
        }
      }
    } catch (ScenarioException e) {
      // a run of an older version that this one cannot read: none of its nodes can be running
    }
    return Optional.empty();
  }

  private static boolean portFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
