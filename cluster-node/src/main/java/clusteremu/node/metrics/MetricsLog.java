package clusteremu.node.metrics;

import clusteremu.tiers.machine.Machine;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.time.TimeDilation;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's metrics log, {@code runs/<run>/metrics/<node>.jsonl}: every interval, one JSON object
 * per line for each component the node carries (kind {@code dispatcher}, {@code app-server} or
 * {@code data-server}) and one for the node itself (kind {@code node}). Component counters are
 * cumulative since the node started; {@code busy} is the fraction of the component's cores that
 * were busy over the last interval. A node in a datacenter adds lines of kind {@code host},
 * {@code vm}, {@code link} and {@code tlp} (see {@link MetricsSource}).
 *
 * <p>Written from one thread of its own, so the request path never waits on the disk.
 */
public final class MetricsLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One component as the log sees it. */
  private static final class Watched {
    final String component;
    final String kind;
    final ComponentCounters counters;
    final Machine machine;
    long lastBusyNanos;
    long lastCalls;
    long lastCallNanos;

    Watched(String component, String kind, ComponentCounters counters, Machine machine) {
      this.component = component;
      this.kind = kind;
      this.counters = counters;
      this.machine = machine;
    }
  }

  private final String node;
  private final BufferedWriter out;
  private final List<Watched> watched = new ArrayList<>();
  private final List<MetricsSource> sources = new ArrayList<>();
  private final ScheduledExecutorService timer;
  private final TimeDilation time;
  private long lastSampleNanos = System.nanoTime();
  private long lastCpuNanos = processCpuNanos();
  private boolean closed;

  public MetricsLog(Path file, String node, Duration interval) {
    this(file, node, interval, TimeDilation.NONE);
  }

  /**
   * A log that writes a line every emulated {@code interval}: under time dilation every
   * {@code factor} times the interval in real time, with rates, utilisations and latencies in
   * emulated time; {@code ts} is the wall clock and {@code process_cpu} the real CPU per real second.
   */
  public MetricsLog(Path file, String node, Duration interval, TimeDilation time) {
    this.node = node;
    this.time = time;
    try {
      Files.createDirectories(file.getParent());
      this.out =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the metrics log " + file, e);
    }
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "metrics-log");
              thread.setDaemon(true);
              return thread;
            });
    long every = time.real(interval).toNanos();
    timer.scheduleAtFixedRate(this::writeSafely, every, every, TimeUnit.NANOSECONDS);
  }

  /** Adds a component; {@code component} names the instance, {@code kind} its tier. */
  public synchronized void watch(String component, String kind, ComponentCounters counters, Machine machine) {
    watched.add(new Watched(component, kind, counters, machine));
  }

  /** Stops writing lines for the component counted by {@code counters} (its guest has moved away). */
  public synchronized void unwatch(ComponentCounters counters) {
    watched.removeIf(w -> w.counters == counters);
  }

  /** Adds lines of other kinds (host, vm, link, tlp) to every interval. */
  public synchronized void add(MetricsSource source) {
    sources.add(source);
  }

  private void writeSafely() {
    try {
      write();
    } catch (RuntimeException | IOException e) {
      log.warn("could not write the metrics log: {}", e.toString());
    }
  }

  /** Writes one line per component and one for the node, now. */
  public synchronized void write() throws IOException {
    if (closed) {
      return;
    }
    long ts = System.currentTimeMillis();
    long nowNanos = System.nanoTime();
    double realSeconds = Math.max(1, nowNanos - lastSampleNanos) / 1e9;
    double seconds = time.emulatedNanos(realSeconds * 1e9) / 1e9;
    for (Watched w : watched) {
      Map<String, Object> line = header(ts, w.component, w.kind);
      long busy = w.machine.cpuBusyNanos();
      line.put("received", w.counters.receivedCount());
      line.put("completed", w.counters.completedCount());
      line.put("failed", w.counters.failedCount());
      line.put("rejected", w.counters.rejectedCount());
      line.put("in_flight", w.counters.inFlightCount());
      if (w.kind.equals("dispatcher")) {
        line.put("retried", w.counters.retriedCount());
      }
      line.put("queue_length", w.machine.cpuQueueLength());
      line.put("cores", w.machine.cores());
      line.put("busy", round((busy - w.lastBusyNanos) / (seconds * 1e9 * w.machine.cores())));
      w.lastBusyNanos = busy;
      if (w.kind.equals("app-server")) {
        // Round trip of the data calls answered in this interval: network and data server.
        long calls = w.counters.callsAnsweredCount();
        long callNanos = w.counters.callNanosTotal();
        line.put("data_calls", calls - w.lastCalls);
        line.put("data_call_mean_ms", calls == w.lastCalls ? 0.0 : round((callNanos - w.lastCallNanos) / 1e6 / (calls - w.lastCalls)));
        MillisecondPercentiles.put(line, "data_call", w.counters.callRoundTripsSinceLast());
        w.lastCalls = calls;
        w.lastCallNanos = callNanos;
      }
      writeLine(line);
    }
    for (MetricsSource source : sources) {
      for (Map<String, Object> extra : source.lines(seconds)) {
        Map<String, Object> line = header(ts, (String) extra.get("component"), (String) extra.get("kind"));
        line.putAll(extra);
        writeLine(line);
      }
    }
    Map<String, Object> line = header(ts, "node", "node");
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long cpu = processCpuNanos();
    line.put("heap_used_mb", round(heap.getUsed() / 1048576.0));
    line.put("heap_max_mb", round(heap.getMax() / 1048576.0));
    line.put("heap_after_gc_mb", round(heapAfterGcBytes() / 1048576.0));
    line.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    line.put("open_files", openFiles());
    // Cores' worth of real CPU this JVM used over the interval (1.0 = one core fully busy).
    line.put("process_cpu", round((cpu - lastCpuNanos) / (realSeconds * 1e9)));
    line.put("time_dilation", time.factor());
    lastCpuNanos = cpu;
    lastSampleNanos = nowNanos;
    writeLine(line);
    out.flush();
  }

  private Map<String, Object> header(long ts, String component, String kind) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("ts", ts);
    line.put("node", node);
    line.put("component", component);
    line.put("kind", kind);
    return line;
  }

  private void writeLine(Map<String, Object> line) throws IOException {
    out.write(JSON.writeValueAsString(line));
    out.write('\n');
  }

  /**
   * The heap as the most recent collection of any kind left it: every heap pool's usage just after
   * it ({@code GcInfo.getMemoryUsageAfterGc()}), summed. After a young collection the old pool
   * counts as it stands, so what a node keeps (a leak promoted to the old generation included)
   * shows at every collection, not only at the rare full ones. 0 before the first collection.
   */
  private static long heapAfterGcBytes() {
    com.sun.management.GcInfo latest = null;
    for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof com.sun.management.GarbageCollectorMXBean collector) {
        com.sun.management.GcInfo info = collector.getLastGcInfo();
        if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
          latest = info;
        }
      }
    }
    if (latest == null) {
      return 0;
    }
    java.util.Set<String> heapPools = new java.util.HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    long bytes = 0;
    for (Map.Entry<String, MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        bytes += pool.getValue().getUsed();
      }
    }
    return bytes;
  }

  /** File descriptors the JVM has open, or -1 where the platform does not say (not Unix). */
  private static long openFiles() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getOpenFileDescriptorCount();
    }
    return -1;
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }

  /** Writes a last line and closes the file: called as the node shuts down. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    timer.shutdownNow();
    try {
      write();
      closed = true;
      out.close();
    } catch (IOException e) {
      log.warn("could not finish the metrics log: {}", e.toString());
    }
  }
}
