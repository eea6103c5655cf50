package clusteremu.node.launch;

import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.Runs;
import clusteremu.node.run.SettingsFile;
import clusteremu.node.scenario.LaunchSettings;
import clusteremu.node.scenario.Machine;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.security.BearerToken;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.config.ScenarioException;
import clusteremu.node.status.NodeStatus;
import clusteremu.node.status.StatusFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
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
    return launch(scenario, null, timeout, out, new LinkedHashMap<>());
  }

  /**
   * As above for the nodes of one machine ({@code machine}; null: every node), and puts into {@code
   * readyAfter} how long each node took to be ready (the scale benchmark prints it). A machine's
   * nodes are ready once they are Up; when they complete the cluster, once every component is seen.
   */
  public static RunDirectory launch(Scenario scenario, String machine, Duration timeout, PrintStream out, Map<String, Duration> readyAfter)
      throws LaunchFailed, IOException {
    Optional<String> running = runningCluster();
    if (running.isPresent()) {
      throw new LaunchFailed("a cluster is already running (" + running.get() + "); stop it first with scripts/cluster down", true);
    }
    List<NodeSpec> nodes = scenario.nodesOn(machine);
    checkTls(scenario, nodes);
    for (NodeSpec node : nodes) {
      checkPort(scenario, node);
    }
    RunDirectory run = Runs.fromEnvironment().create(scenario.name());
    Files.writeString(run.scenario(), scenario.render());
    SettingsFile.write(run.settings(), LaunchSettings.of(scenario));
    if (machine != null) {
      Files.writeString(run.machine(), machine + "\n");
    }
    out.printf("run %s: starting %d nodes of %s%s%n", run.root(), nodes.size(), scenario.file(), machine != null ? " on machine " + machine : "");
    if (nodes.stream().anyMatch(NodeSpec::classDataSharing)) {
      ClassDataArchive.ofThisBuild().ifPresent(archive -> archive.prepare(out));
    }
    Map<String, ProcessHandle> started = new LinkedHashMap<>();
    for (NodeSpec node : nodes) {
      started.put(node.name(), NodeProcesses.start(run, node));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String failure =
        awaitReady(run, started, deadline, timeout, out, readyAfter, status -> machine == null ? StatusFiles.ready(status, scenario) : StatusFiles.up(status, scenario, nodes));
    if (failure == null && machine != null) {
      failure = awaitRest(scenario, run, started, deadline, timeout, out);
    }
    if (failure != null) {
      int killed = NodeProcesses.stop(new ArrayList<>(started.values()), scenario.shutdownTimeout());
      throw new LaunchFailed(
          failure + "\nstopped the " + started.size() + " JVMs it started" + (killed > 0 ? " (" + killed + " killed)" : ""), false);
    }
    return run;
  }

  /**
   * Once one machine's nodes are Up: if the members of every other machine are Up too, waits until
   * every component is seen, as a launch of the whole cluster does; else says which machines are
   * still to start (each joins through the seed nodes whenever it comes).
   */
  private static String awaitRest(Scenario scenario, RunDirectory run, Map<String, ProcessHandle> started, long deadline, Duration limit, PrintStream out)
      throws IOException {
    Optional<NodeStatus> view = StatusFiles.read(run, started.keySet().iterator().next());
    List<String> waiting =
        scenario.nodes().stream()
            .filter(n -> view.isEmpty() || !StatusFiles.up(view.get(), scenario, List.of(n)))
            .map(n -> scenario.machineOf(n).displayName())
            .distinct()
            .toList();
    if (!waiting.isEmpty()) {
      out.printf("  the cluster is not complete: machine(s) %s not Up yet; start each with scripts/cluster up %s --machine NAME on that machine%n",
          String.join(", ", waiting), scenario.file());
      return null;
    }
    long begin = System.nanoTime();
    String failure = awaitReady(run, started, deadline, limit, new PrintStream(OutputStream.nullOutputStream()), new LinkedHashMap<>(), status -> StatusFiles.ready(status, scenario));
    if (failure == null) {
      out.printf("  every machine's nodes are Up, and every component is seen after %.1f s more%n", (System.nanoTime() - begin) / 1e9);
    }
    return failure;
  }

  /**
   * Refuses, before anything starts, the stores that would fail only at a node's first connection
   * (a missing key store is not noticed by Pekko until then, and the node then hangs in shutdown):
   * each machine's files, its certificate against the authority and the address it binds to, and
   * the control API's token where it is served.
   */
  private static void checkTls(Scenario scenario, List<NodeSpec> nodes) throws LaunchFailed {
    try {
      if (scenario.security().tls()) {
        for (Machine machine : nodes.stream().map(scenario::machineOf).distinct().toList()) {
          scenario.tlsStores(machine).check(machine.address(), Instant.now());
        }
      }
      // Every machine's commands (down, migrate, fault) reach the API with the token: each needs it.
      if (!scenario.machineOf(scenario.controlNode()).loopback()) {
        BearerToken.readToken(scenario.security().tokenFile());
      }
    } catch (ScenarioException e) {
      throw new LaunchFailed(scenario.file() + ": " + e.getMessage(), true);
    }
  }

  private static void checkPort(Scenario scenario, NodeSpec node) throws LaunchFailed {
    Machine machine = scenario.machineOf(node);
    String where = "clusteremu.nodes." + node.name() + ".port";
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(machine.address(), node.port()));
    } catch (BindException e) {
      if (e.getMessage() != null && e.getMessage().contains("assign requested address")) {
        throw new LaunchFailed(scenario.file() + ": node '" + node.name() + "' binds to " + machine.address() + ", which is not an address of this machine"
            + (machine.name().isEmpty() ? "; expected clusteremu.hostname to be one" : "; start machine " + machine.name() + "'s nodes on it with --machine " + machine.name()), true);
      }
      throw new LaunchFailed(scenario.file() + ": port " + node.port() + " of node '" + node.name() + "' (" + where + ") is in use on " + machine.address() + "; expected a free port", true);
    } catch (IOException e) {
      throw new LaunchFailed(scenario.file() + ": node '" + node.name() + "' cannot bind " + machine.address() + ":" + node.port() + " (" + e.getMessage() + ")", true);
    }
  }

  /** Stops every running node of the run: SIGTERM, then a kill after the scenario's bound. Returns how many were killed. */
  public static int stop(RunDirectory run, Scenario scenario, List<ProcessHandle> stopped) {
    return stop(run, scenario.nodes(), scenario.shutdownTimeout(), stopped);
  }

  /** Stops those of {@code nodes} that run here, as above; puts them into {@code stopped}. */
  public static int stop(RunDirectory run, List<NodeSpec> nodes, Duration grace, List<ProcessHandle> stopped) {
    for (NodeSpec node : nodes) {
      NodeProcesses.find(run, node.name()).ifPresent(stopped::add);
    }
    return stopped.isEmpty() ? 0 : NodeProcesses.stop(stopped, grace);
  }

  /** Waits until every node started is {@code ready}; returns null when all are, or what went wrong. */
  private static String awaitReady(
      RunDirectory run, Map<String, ProcessHandle> started, long deadline, Duration limit, PrintStream out, Map<String, Duration> readyAfter,
      Predicate<NodeStatus> ready)
      throws IOException {
    long begin = System.nanoTime();
    List<String> done = new ArrayList<>();
    while (done.size() < started.size()) {
      for (Map.Entry<String, ProcessHandle> node : started.entrySet()) {
        if (!node.getValue().isAlive()) {
          return "node '" + node.getKey() + "' exited during start-up; the end of " + run.log(node.getKey()) + ":\n" + tail(run.log(node.getKey()), 25);
        }
        if (!done.contains(node.getKey())) {
          Optional<NodeStatus> status = StatusFiles.read(run, node.getKey());
          if (status.isPresent() && ready.test(status.get())) {
            done.add(node.getKey());
            readyAfter.put(node.getKey(), Duration.ofNanos(System.nanoTime() - begin));
            out.printf("  %-16s ready after %.1f s%n", node.getKey(), (System.nanoTime() - begin) / 1e9);
          }
        }
      }
      if (System.nanoTime() - deadline > 0) {
        String late = started.keySet().stream().filter(n -> !done.contains(n)).findFirst().orElseThrow();
        return "the cluster was not ready within "
            + limit.toSeconds()
            + " s: "
            + (started.size() - done.size())
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

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
