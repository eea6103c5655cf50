package clusteremu.node.launch;

import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.Runs;
import clusteremu.node.run.SettingsFile;
import clusteremu.node.scenario.LaunchSettings;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.config.ScenarioException;
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

/**
 * Starts the node JVMs of a scenario and waits until the cluster is ready; stops them again.
 * Shared by {@code cluster up}, {@code cluster down} and the experiment runner.
 */
public final class ClusterLauncher {
  private ClusterLauncher() {}

  /** Why a cluster could not be started; {@code badInput} when nothing was started at all. */
  public static final class LaunchFailed extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean badInput;

    LaunchFailed(String message, boolean badInput) {
      super(message);
      this.badInput = badInput;
    }

    public boolean badInput() {
      return badInput;
    }
  }

  /**
   * Checks that nothing is in the way, starts one JVM per node in a new run directory, and waits
   * (up to {@code timeout}) until every node is ready. On failure it stops every JVM it started.
   */
  public static RunDirectory launch(Scenario scenario, Duration timeout, PrintStream out) throws LaunchFailed, IOException {
    return launch(scenario, timeout, out, new LinkedHashMap<>());
  }

  /** As above, and puts into {@code readyAfter} how long each node took to be ready (the scale benchmark prints it). */
  public static RunDirectory launch(Scenario scenario, Duration timeout, PrintStream out, Map<String, Duration> readyAfter)
      throws LaunchFailed, IOException {
    Optional<String> running = runningCluster();
    if (running.isPresent()) {
      throw new LaunchFailed("a cluster is already running (" + running.get() + "); stop it first with scripts/cluster down", true);
    }
    for (NodeSpec node : scenario.nodes()) {
      if (!portFree(scenario.hostname(), node.port())) {
        throw new LaunchFailed(
            scenario.file()
                + ": port "
                + node.port()
                + " of node '"
                + node.name()
                + "' (clusteremu.nodes."
                + node.name()
                + ".port) is in use on "
                + scenario.hostname()
                + "; expected a free port",
            true);
      }
    }
    RunDirectory run = Runs.fromEnvironment().create(scenario.name());
    Files.writeString(run.scenario(), scenario.render());
    SettingsFile.write(run.settings(), LaunchSettings.of(scenario));
    out.printf("run %s: starting %d nodes of %s%n", run.root(), scenario.nodes().size(), scenario.file());
    Map<String, ProcessHandle> started = new LinkedHashMap<>();
    for (NodeSpec node : scenario.nodes()) {
      started.put(node.name(), NodeProcesses.start(run, node));
    }
    String failure = awaitReady(scenario, run, started, timeout, out, readyAfter);
    if (failure != null) {
      int killed = NodeProcesses.stop(new ArrayList<>(started.values()), scenario.shutdownTimeout());
      throw new LaunchFailed(
          failure + "\nstopped the " + started.size() + " JVMs it started" + (killed > 0 ? " (" + killed + " killed)" : ""), false);
    }
    return run;
  }

  /** Stops every running node of the run: SIGTERM, then a kill after the scenario's bound. Returns how many were killed. */
  public static int stop(RunDirectory run, Scenario scenario, List<ProcessHandle> stopped) {
    for (NodeSpec node : scenario.nodes()) {
      NodeProcesses.find(run, node.name()).ifPresent(stopped::add);
    }
    return stopped.isEmpty() ? 0 : NodeProcesses.stop(stopped, scenario.shutdownTimeout());
  }

  /** Waits until every node is ready; returns null when all are, or what went wrong. */
  private static String awaitReady(
      Scenario scenario, RunDirectory run, Map<String, ProcessHandle> started, Duration limit, PrintStream out, Map<String, Duration> readyAfter)
      throws IOException {
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
            readyAfter.put(node.getKey(), Duration.ofNanos(System.nanoTime() - begin));
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
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while waiting for the cluster";
      }
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
