package clusteremu.node.fault;

import clusteremu.node.launch.NodeProcesses;
import clusteremu.node.launch.RunningCluster;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects {@link Fault}s into the node JVMs of a run on this machine, found by the PIDs the run
 * recorded (never a process that is not that node's JVM), and writes each one, with its time, to
 * the run's {@link FaultLog}: the fault, the PID, and for a freeze the line of its thaw.
 * Refuses, changing nothing, a fault that cannot be carried out: an unknown node, one that is not
 * running (kill, freeze) or is (restart), or the node that serves the control API.
 */
public final class NodeFaults {
  private static final Logger logger = LoggerFactory.getLogger(NodeFaults.class);

  /** How a fault went: {@code status} as HTTP says it (200 done, 404 unknown node, 409 refused), and its record or the refusal. */
  public record Outcome(int status, String error, Map<String, Object> record) {
    public static Outcome refused(int status, String error) {
      return new Outcome(status, error, null);
    }
  }

  private final Scenario scenario;
  private final RunDirectory run;
  private final String protectedNode;
  private final ScheduledExecutorService thaws =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "fault-thaws");
            thread.setDaemon(true);
            return thread;
          });
  /** Frozen nodes and the PID frozen: a thaw meant for a JVM since killed must not touch a later one's freeze. */
  private final Map<String, Long> frozen = new java.util.HashMap<>();
  private final FaultLog log;

  /**
   * @param protectedNode the node whose JVM carries out the faults (it serves the control API): never killed or frozen
   * @param log where each fault carried out is written
   */
  public NodeFaults(Scenario scenario, RunDirectory run, String protectedNode, FaultLog log) {
    this.scenario = scenario;
    this.run = run;
    this.protectedNode = protectedNode;
    this.log = log;
  }

  public synchronized Outcome inject(Fault fault) {
    Optional<NodeSpec> spec = scenario.nodes().stream().filter(n -> n.name().equals(fault.node())).findFirst();
    if (spec.isEmpty()) {
      return Outcome.refused(404, "node: no node " + fault.node() + " in the scenario; the nodes are " + scenario.nodes().stream().map(NodeSpec::name).toList());
    }
    if (fault.kind() != Fault.Kind.RESTART && fault.node().equals(protectedNode)) {
      return Outcome.refused(
          409, "node: " + fault.node() + " serves the control API that carries out faults; to break it, serve the API from another node (clusteremu.control.node)");
    }
    String here = RunningCluster.startedOn(run);
    if (!scenario.nodesOn(here).contains(spec.get())) {
      // The API's node finds, signals and starts JVMs by the PIDs of its own run directory.
      return Outcome.refused(409, "node: " + fault.node() + " runs on machine " + scenario.machineOf(spec.get()).displayName()
          + ", and faults on node JVMs act only on the control API's machine (" + here + "); the paths and hosts of every machine can be broken");
    }
    Optional<ProcessHandle> process = NodeProcesses.find(run, fault.node());
    return switch (fault.kind()) {
      case KILL -> process.map(p -> kill(fault, p)).orElseGet(() -> notRunning(fault));
      case FREEZE -> process.map(p -> freeze(fault, p)).orElseGet(() -> notRunning(fault));
      case RESTART -> process.isPresent()
          ? Outcome.refused(409, "node: " + fault.node() + " is running (PID " + process.get().pid() + "); kill it first")
          : restart(fault, spec.get());
      case LINK, CUT, HEAL, CRASH_HOST, RECOVER_HOST -> throw new IllegalArgumentException(fault.kind() + " does not act on a node's JVM");
    };
  }

  private static Outcome notRunning(Fault fault) {
    return Outcome.refused(409, "node: " + fault.node() + " is not running");
  }

  private Outcome kill(Fault fault, ProcessHandle process) {
    process.destroyForcibly(); // SIGKILL
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return Outcome.refused(500, "node: " + fault.node() + " (PID " + process.pid() + ") did not exit within 10 s of SIGKILL");
    }
    frozen.remove(fault.node());
    return done(fault, process.pid());
  }

  private Outcome freeze(Fault fault, ProcessHandle process) {
    if (frozen.containsKey(fault.node())) {
      return Outcome.refused(409, "node: " + fault.node() + " is frozen already");
    }
    String failed = signal("STOP", process.pid());
    if (failed != null) {
      return Outcome.refused(500, "node: could not stop " + fault.node() + ": " + failed);
    }
    frozen.put(fault.node(), process.pid());
    // The freeze lasts its emulated duration: k times longer in real time under time dilation.
    thaws.schedule(() -> thaw(fault.node(), process), scenario.timeDilation().real(fault.duration()).toNanos(), TimeUnit.NANOSECONDS);
    return done(fault, process.pid());
  }

  private synchronized void thaw(String node, ProcessHandle process) {
    if (!frozen.remove(node, process.pid()) || !process.isAlive()) {
      return; // killed meanwhile
    }
    String failed = signal("CONT", process.pid());
    Map<String, Object> line = record("thaw", node, process.pid());
    if (failed != null) {
      line.put("error", failed);
      logger.error("could not continue node {} (PID {}): {}", node, process.pid(), failed);
    }
    log.write(line);
  }

  private Outcome restart(Fault fault, NodeSpec spec) {
    ProcessHandle process;
    try {
      process = NodeProcesses.start(run, spec, true);
    } catch (RuntimeException e) {
      return Outcome.refused(500, "node: could not start " + fault.node() + ": " + e.getMessage());
    }
    return done(fault, process.pid());
  }

  private Outcome done(Fault fault, long pid) {
    Map<String, Object> line = record(fault.kind().configName(), fault.node(), pid);
    if (fault.duration() != null) {
      line.put("duration_ms", fault.duration().toMillis());
    }
    line.put("event", fault.describe());
    log.write(line);
    logger.info("fault: {} (PID {})", fault.describe(), pid);
    return new Outcome(200, null, line);
  }

  private static Map<String, Object> record(String fault, String node, long pid) {
    Map<String, Object> line = FaultLog.line(fault);
    line.put("node", node);
    line.put("pid", pid);
    return line;
  }

  /** Sends SIG{@code name} with the system's kill(1), which Java cannot send itself; null when it was sent. */
  private static String signal(String name, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).redirectErrorStream(true).start();
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return kill.waitFor() == 0 ? null : "kill -" + name + " " + pid + ": " + output;
    } catch (IOException e) {
      return "cannot run kill(1): " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
