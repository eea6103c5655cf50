package clusteremu.node.launch;

import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.NodeSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The node JVMs of a run, found by the PIDs in {@code runs/<run>/pids/}. A PID counts only while
 * it still belongs to that node's JVM (its command line names the node main class and the node), so
 * a recycled PID is never signalled.
 */
public final class NodeProcesses {
  private NodeProcesses() {}

  /**
   * The main class of a node JVM, by name: a process is started by naming its main class, and the
   * launcher sits below the node it launches (NodeMainTest checks that the name is right).
   */
  public static final String NODE_MAIN = "clusteremu.node.NodeMain";

  /** The system property that tells a node JVM it was started again after it was lost. */
  public static final String RESTARTED = "clusteremu.restarted";

  /** Starts one node JVM in the background, its output appended to the node's log. */
  public static ProcessHandle start(RunDirectory run, NodeSpec node) {
    return start(run, node, false);
  }

  /**
   * Starts one node JVM in the background, its output appended to the node's log; {@code
   * restarted}: it was lost and starts again into a running cluster (its data servers then take
   * their keys back from their replicas before they serve).
   */
  public static ProcessHandle start(RunDirectory run, NodeSpec node, boolean restarted) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + node.heap());
    // Small heaps on few cores: the serial collector keeps GC threads from crowding the node.
    command.add("-XX:+UseSerialGC");
    if (node.classDataSharing()) {
      // A node restarted into a running cluster maps the archive if there is one but does not
      // list its classes: the lists are its first launch's.
      ClassDataArchive.ofThisBuild().ifPresent(archive -> command.addAll(archive.jvmOptions(node.name(), !restarted)));
    }
    // After ours, so that a scenario's own class-data options win.
    command.addAll(node.jvmOptions());
    command.add("-Dclusteremu.node=" + node.name());
    if (restarted) {
      command.add("-D" + RESTARTED + "=true");
    }
    command.add(NODE_MAIN);
    command.add(run.root().toAbsolutePath().toString());
    command.add(node.name());
    ProcessBuilder builder = new ProcessBuilder(command);
    // The class path goes in the environment, not the command line: Linux shows a process's
    // command line to others (and the JDK reads it back, in find) only up to one page, 4 KiB,
    // and sixty jars under a long checkout path pass that, hiding the node's name.
    builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    try {
      Process process =
          builder
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(run.log(node.name()).toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      Files.writeString(run.pid(node.name()), process.pid() + "\n");
      return process.toHandle();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the JVM of node " + node.name(), e);
    }
  }

  /** The running JVM of {@code node} in {@code run}, if there is one. */
  public static Optional<ProcessHandle> find(RunDirectory run, String node) {
    Path file = run.pid(node);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(file).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> isNode(p, node));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isNode(ProcessHandle process, String node) {
    String[] arguments = process.info().arguments().orElse(new String[0]);
    boolean main = false;
    for (int i = 0; i < arguments.length; i++) {
      if (arguments[i].equals(NODE_MAIN)) {
        main = true;
      }
      if (main && arguments[i].equals(node)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Asks every process to stop (SIGTERM: the node leaves the cluster and exits), waits up to
   * {@code grace}, then kills what is left. Returns how many had to be killed.
   */
  public static int stop(List<ProcessHandle> processes, Duration grace) {
    processes.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle process : processes) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          process.onExit().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          // still running: killed below
        }
      }
    }
    int killed = 0;
    for (ProcessHandle process : processes) {
      if (process.isAlive()) {
        process.destroyForcibly();
        killed++;
        try {
          process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          // reported by the caller's next status
        }
      }
    }
    return killed;
  }
}
