package clusteremu.node.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the project's own scripts as a user would, on the build under test ({@code
 * CLUSTEREMU_NO_BUILD=1}) and with runs kept in a folder of the test's. Every script has a time
 * limit; one that overruns is killed with everything it started.
 */
final class Scripts {
  static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

  record Result(int exitCode, String output) {}

  private final Path runs;
  /** Scripts started in the background: stopped by {@link #withCluster} if still running. */
  private final List<Process> started = new ArrayList<>();
  /** What every script's command line starts with, e.g. {@code ip netns exec NS}: where it runs. */
  private final List<String> prefix;

  Scripts(Path runs) {
    this(runs, List.of());
  }

  /** Scripts run through {@code prefix}, e.g. inside a network namespace ({@link Namespaces}). */
  Scripts(Path runs, List<String> prefix) {
    this.runs = runs;
    this.prefix = List.copyOf(prefix);
  }

  /** A script running in the background, and the file its output goes to. */
  record Running(Process process, Path output) {
    private static final Pattern PROGRESS = Pattern.compile("\\[\\s*(\\d+)s\\] sent ");

    String outputSoFar() throws IOException {
      return Files.readString(output);
    }

    /**
     * The most seconds of load a driver's progress lines have counted so far ({@code [  12s] sent
     * ...}), or -1 before the first. The greatest, not a given label: a late tick skips one.
     */
    long secondsOfLoad() throws IOException {
      long most = -1;
      Matcher m = PROGRESS.matcher(outputSoFar());
      while (m.find()) {
        most = Math.max(most, Long.parseLong(m.group(1)));
      }
      return most;
    }

    /** Until a driver's progress has counted {@code seconds} of load; fails when it ends first or after {@code limit}. */
    void awaitSecondsOfLoad(long seconds, Duration limit) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (secondsOfLoad() < seconds) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("the driver did not count " + seconds + " s of load" + (process.isAlive() ? " within " + limit : " before it ended") + ":\n" + outputSoFar());
        }
        Thread.sleep(100);
      }
    }
  }

  /** Starts {@code script} in the background; {@link #withCluster} kills it if a failed test leaves it running. */
  Running start(String script, String... args) throws IOException {
    Running running = launch(script, args);
    synchronized (started) {
      started.add(running.process());
    }
    return running;
  }

  private Running launch(String script, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(ROOT.resolve("scripts").resolve(script).toString());
    command.addAll(List.of(args));
    Path output = Files.createTempFile(runs.getParent(), script, ".out");
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("CLUSTEREMU_RUNS", runs.toString());
    builder.environment().put("CLUSTEREMU_NO_BUILD", "1");
    return new Running(builder.start(), output);
  }

  Result run(Duration limit, String script, String... args) {
    try {
      Running running = launch(script, args);
      Process process = running.process();
      Path output = running.output();
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(script + " " + String.join(" ", args) + " did not finish within " + limit + ":\n" + running.outputSoFar());
      }
      return new Result(process.exitValue(), Files.readString(output));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Kills every node JVM whose PID the runs folder records and that still runs: the safety net of every test. */
  void killLeftovers() throws IOException {
    if (!Files.isDirectory(runs)) {
      return;
    }
    try (var files = Files.walk(runs)) {
      for (Path pid : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
            .filter(p -> p.info().commandLine().orElse("").contains("clusteremu.node.NodeMain"))
            .ifPresent(
                p -> {
                  p.destroyForcibly();
                  p.onExit().join();
                });
      }
    }
  }

  /** What a test does with the cluster it starts. */
  interface ClusterTest {
    void run() throws Exception;
  }

  /**
   * Runs {@code test}; when it fails, prints the last {@code logLines} lines of every node log
   * first. Whatever happens, stops the cluster it started: gracefully, then by PID.
   */
  void withCluster(int logLines, ClusterTest test) throws Exception {
    try {
      test.run();
    } catch (Exception | AssertionError e) {
      printLogTails(logLines);
      throw e;
    } finally {
      stopStarted();
      if (!livePids().isEmpty()) {
        run(Duration.ofMinutes(1), "cluster", "down");
      }
      killLeftovers();
    }
  }

  /** Kills the background scripts still running (a driver a failed test left), with what they started. */
  private void stopStarted() {
    synchronized (started) {
      for (Process process : started) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      started.clear();
    }
  }

  /** Prints the last {@code lines} lines of every node log of the latest run: what a failed test shows of why. */
  void printLogTails(int lines) {
    Path logs = runs.resolve("latest").resolve("logs");
    if (!Files.isDirectory(logs)) {
      return;
    }
    try (var files = Files.list(logs)) {
      for (Path log : files.sorted().toList()) {
        List<String> all = Files.readAllLines(log);
        System.out.println("---- last " + lines + " lines of " + log.getFileName());
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.out::println);
      }
    } catch (IOException e) {
      System.out.println("cannot read the node logs: " + e);
    }
  }

  /** PIDs of node JVMs of the runs folder that are still alive. */
  List<Long> livePids() throws IOException {
    List<Long> live = new ArrayList<>();
    if (!Files.isDirectory(runs)) {
      return live;
    }
    try (var files = Files.walk(runs)) {
      for (Path pid : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
        long value = Long.parseLong(Files.readString(pid).trim());
        if (ProcessHandle.of(value).map(ProcessHandle::isAlive).orElse(false)) {
          live.add(value);
        }
      }
    }
    return live;
  }

  /** Ports this JVM has handed out: never twice. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A port nobody listens on right now, below the kernel's ephemeral range. A port the kernel
   * hands out (bind to 0) is one it may also give to any outgoing connection as its local port,
   * such as one node JVM's connection to another, before the node meant to listen on it has
   * started: seen in CI, where the control API then could not bind.
   */
  static int freePort() {
    int below = ephemeralRangeStart();
    int from = Math.max(1024, below - 12_000);
    int start = from + java.util.concurrent.ThreadLocalRandom.current().nextInt(below - from);
    for (int i = 0; i < below - from; i++) {
      int port = from + (start - from + i) % (below - from);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException taken) {
        // someone listens there: try the next
      }
    }
    throw new IllegalStateException("no free port between " + from + " and " + below);
  }

  /** The first port of Linux's ephemeral range (32768 unless configured otherwise). */
  private static int ephemeralRangeStart() {
    try {
      // readAllLines, not readString: /proc files report a size that readString trusts.
      int start = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
      return start > 13_024 ? start : 32768;
    } catch (IOException | RuntimeException e) {
      return 32768;
    }
  }

  /** The default scenario on free ports, written into {@code dir}. */
  static Path defaultScenarioOnFreePorts(Path dir, String... extraLines) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("include file(\"").append(ROOT.resolve("config/default.conf")).append("\")\n");
    for (String node : List.of("dispatcher-1", "app-1", "app-2", "data-1")) {
      text.append("clusteremu.nodes.").append(node).append(".port = ").append(freePort()).append('\n');
    }
    for (String line : extraLines) {
      text.append(line).append('\n');
    }
    Path file = dir.resolve("it.conf");
    Files.writeString(file, text);
    return file;
  }

  /** An experiment file {@code name} in {@code dir} over the default scenario on free ports, with {@code lines} inside its block. */
  static Path experimentOnDefaultScenario(Path dir, String name, String... lines) throws IOException {
    Path scenario = defaultScenarioOnFreePorts(dir);
    StringBuilder text = new StringBuilder("experiment {\n  scenario = \"").append(scenario).append("\"\n");
    for (String line : lines) {
      text.append("  ").append(line).append('\n');
    }
    Path file = dir.resolve(name);
    Files.writeString(file, text.append("}\n"));
    return file;
  }
}
