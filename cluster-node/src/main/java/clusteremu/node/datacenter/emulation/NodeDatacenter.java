package clusteremu.node.datacenter.emulation;

import clusteremu.node.datacenter.HostSpec;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.node.metrics.HostSample;
import clusteremu.node.metrics.MetricsSource;
import clusteremu.node.metrics.MillisecondPercentiles;
import clusteremu.tiers.time.TimeDilation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The part of the datacenter one node carries: its hosts with their VMs, the links its guests
 * send on, and the loop thread that runs them. Writes the {@code host}, {@code link}, {@code vm}
 * and {@code tlp} lines of the node's metrics log.
 */
public final class NodeDatacenter implements MetricsSource, AutoCloseable {
  /** How often background page writes are made (their rate is spread over these ticks). */
  private static final long DIRTY_TICK_NANOS = 10_000_000;

  private final Topology topology;
  private final EmulationLoop loop;
  private final Network network;
  private final ThreadLevelParallelism tlp;
  private final Map<String, HostCpu> hosts = new LinkedHashMap<>();
  /** Written by the Vm actors that start and stop, read by the loop: concurrent. */
  private final Map<String, VmMachine> machines = new ConcurrentHashMap<>();
  private final Map<String, Double> lastBusy = new LinkedHashMap<>();
  private final Map<String, Long> lastWrites = new LinkedHashMap<>();
  private final Map<String, SharedLink.LinkTotals> lastLinks = new LinkedHashMap<>();
  private volatile List<HostLoad> status = List.of();
  /** Read and moved on by the loop thread only. */
  private final HostSample sample;

  /**
   * The hosts of node {@code node}, without VMs yet: each VM is started on its host by
   * {@link #startVm}, from the {@code Vm} actor that owns it.
   */
  public NodeDatacenter(Topology topology, String node, Set<Integer> nodePorts, Placement placement, VmAddresses addresses, boolean networkModelled) {
    this(topology, node, nodePorts, placement, addresses, networkModelled, TimeDilation.NONE, 0);
  }

  /**
   * As above, with every emulated duration taking {@code time}'s factor longer in real time, and
   * at most {@code hostLines} host and VM lines in the metrics log an interval (0: no limit; see
   * {@link HostSample}).
   */
  public NodeDatacenter(
      Topology topology,
      String node,
      Set<Integer> nodePorts,
      Placement placement,
      VmAddresses addresses,
      boolean networkModelled,
      TimeDilation time,
      int hostLines) {
    this.topology = topology;
    this.sample = new HostSample(hostLines);
    this.loop = new EmulationLoop("emulation-" + node, time);
    this.network = new Network(topology, loop, nodePorts, placement, addresses, networkModelled);
    List<HostSpec> carried = topology.hostsOf(node);
    this.tlp = new ThreadLevelParallelism(carried.stream().mapToInt(HostSpec::cores).sum(), loop.now());
    for (HostSpec host : carried) {
      hosts.put(host.name(), new HostCpu(host.name(), host.cores(), topology.contextSwitchCost(), loop, tlp));
    }
  }

  /** The hosts this node carries, by name. */
  public Map<String, HostCpu> hosts() {
    return hosts;
  }

  /**
   * Starts VM {@code vm} on host {@code host} of this node: its vCPUs join the host's cores, its
   * pages are made, and its background writes begin. {@code threads} bounds the CPU bursts its
   * guest runs at once (see {@link HostCpu}).
   */
  public VmMachine startVm(VmSpec vm, String host, int threads) {
    return startVm(vm, host, threads, new GuestMemory(vm.pages()));
  }

  /** As {@link #startVm(VmSpec, String, int)}, with the pages a migration brought. */
  public VmMachine startVm(VmSpec vm, String host, int threads, GuestMemory memory) {
    HostCpu cpu = hosts.get(host);
    if (cpu == null) {
      throw new IllegalArgumentException("host " + host + " is not carried by this node; it carries " + hosts.keySet());
    }
    VmMachine machine = new VmMachine(vm, cpu.newVm(vm.name(), vm.vcpus(), threads), memory, network, loop);
    machines.put(vm.name(), machine);
    loop.execute(() -> cpu.attach(machine.cpu()));
    if (vm.backgroundDirtyRate() > 0) {
      loop.execute(() -> dirtyInBackground(machine, new SplittableRandom(vm.name().hashCode()), 0, loop.now()));
    }
    return machine;
  }

  /** Takes a VM off its host: its cores go to the others, its pages and background writes end. Once. */
  public void stopVm(VmMachine machine, String host) {
    if (!machines.remove(machine.spec().name(), machine)) {
      return;
    }
    HostCpu cpu = hosts.get(host);
    long now = loop.now();
    loop.execute(() -> cpu.removeVm(machine.cpu(), now));
  }

  /** The machines of this node's VMs, by VM name. */
  public Map<String, VmMachine> machines() {
    return machines;
  }

  public Network network() {
    return network;
  }

  /** The loop thread that runs this node's hosts and links. */
  public EmulationLoop loop() {
    return loop;
  }

  public Topology topology() {
    return topology;
  }

  /** The hosts and VMs with their load over the last metrics interval, for the status file. */
  public List<HostLoad> status() {
    return status;
  }

  /** Writes {@code rate} pages per second at random in the hot set, a tick at a time, while the VM runs here. */
  private void dirtyInBackground(VmMachine machine, SplittableRandom random, double owed, long due) {
    VmSpec vm = machine.spec();
    if (machines.get(vm.name()) != machine) {
      return;
    }
    if (!machine.paused()) {
      owed += vm.backgroundDirtyRate() * DIRTY_TICK_NANOS / 1e9 * (100 - machine.throttlePercent()) / 100.0;
    }
    while (owed >= 1) {
      machine.writePage(random.nextLong(vm.hotSetPages()));
      owed--;
    }
    double carry = owed;
    loop.at(due + DIRTY_TICK_NANOS, next -> dirtyInBackground(machine, random, carry, next));
  }

  @Override
  public List<Map<String, Object>> lines(double seconds) {
    CompletableFuture<List<Map<String, Object>>> lines = new CompletableFuture<>();
    loop.execute(() -> lines.complete(linesOnLoop(seconds)));
    try {
      return lines.get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      return List.of();
    }
  }

  private List<Map<String, Object>> linesOnLoop(double seconds) {
    long now = loop.now();
    List<Map<String, Object>> lines = new ArrayList<>();
    List<HostLoad> hostStatus = new ArrayList<>();
    int[] hostLines = new int[hosts.size()];
    int index = 0;
    long allLines = 0;
    for (HostCpu host : hosts.values()) {
      hostLines[index++] = 1 + host.vms().size();
      allLines += 1 + host.vms().size();
    }
    boolean[] written = sample.take(hostLines);
    Totals summed = new Totals();
    index = 0;
    for (HostCpu host : hosts.values()) {
      boolean write = written[index++];
      List<HostLoad.Vm> vmStatus = new ArrayList<>();
      HostSpec spec = topology.hosts().get(host.name());
      double busy = host.busyCoreNanos();
      double utilisation = round((busy - lastBusy.getOrDefault(host.name(), 0.0)) / (seconds * 1e9 * host.cores()));
      summed.add(host, busy - lastBusy.getOrDefault(host.name(), 0.0));
      if (write) {
        Map<String, Object> line = line(host.name(), "host");
        line.put("row", spec.row());
        line.put("rack", spec.rack());
        line.put("cores", host.cores());
        line.put("cpu_utilisation", utilisation);
        line.put("runnable", host.runnable());
        line.put("vms", host.vms().size());
        lines.add(line);
        summed.hostLines++;
      }
      lastBusy.put(host.name(), busy);
      for (HostCpu.VmCpu vm : host.vms()) {
        VmMachine machine = machines.get(vm.name());
        if (machine == null) {
          continue; // stopping: its host lets go of it on the loop's next turn
        }
        double vmBusy = vm.busyCoreNanos();
        long writes = machine.memory().writes();
        double share = (vmBusy - lastBusy.getOrDefault("vm:" + vm.name(), 0.0)) / (seconds * 1e9);
        double dirtyRate = (writes - lastWrites.getOrDefault(vm.name(), 0L)) / seconds;
        String guest = machine.spec().guest().map(g -> g.configName()).orElse("none");
        summed.add(share, dirtyRate);
        // A VM with a guest carries the tiers' load: its line is written whether its host's is or not.
        if (write || machine.spec().guest().isPresent()) {
          Map<String, Object> vmLine = line(vm.name(), "vm");
          vmLine.put("host", host.name());
          vmLine.put("guest", guest);
          vmLine.put("vcpus", vm.vcpus());
          vmLine.put("cpu_share", round(share));
          vmLine.put("runnable", vm.runnable());
          vmLine.put("pages", machine.memory().pages());
          vmLine.put("dirty_pages", machine.memory().dirtyPages());
          vmLine.put("dirty_pages_per_s", round(dirtyRate));
          lines.add(vmLine);
          summed.vmLines++;
        }
        lastBusy.put("vm:" + vm.name(), vmBusy);
        lastWrites.put(vm.name(), writes);
        vmStatus.add(
            new HostLoad.Vm(vm.name(), guest, vm.vcpus(), machine.spec().memoryBytes() >> 20, round(share), machine.memory().dirtyPages()));
      }
      hostStatus.add(
          new HostLoad(
              host.name(), topology.rows().get(spec.row()).container(), spec.row(), spec.rack(), host.cores(), utilisation, host.runnable(), List.copyOf(vmStatus)));
    }
    if (sample.sampling(allLines)) {
      lines.add(summed.line(seconds));
    }
    for (SharedLink link : network.links()) {
      SharedLink.LinkTotals totals = link.totals();
      SharedLink.LinkTotals before = lastLinks.getOrDefault(link.name(), new SharedLink.LinkTotals(0, 0, 0, 0));
      long messages = totals.messages() - before.messages();
      Map<String, Object> line = line(link.name(), "link");
      line.put("bytes", totals.bytes() - before.bytes());
      line.put("messages", messages);
      line.put("utilisation", round((totals.busyNanos() - before.busyNanos()) / (seconds * 1e9)));
      line.put("mean_queueing_ms", messages == 0 ? 0.0 : round((totals.queueingNanos() - before.queueingNanos()) / 1e6 / messages));
      line.put("bandwidth_bytes_per_s", link.spec().bytesPerSecond());
      lastLinks.put(link.name(), totals);
      lines.add(line);
    }
    network.impairmentLosses().forEach(
        (fault, lost) -> {
          Map<String, Object> faultLine = line(fault.from() + "~" + fault.to(), "path-fault");
          faultLine.put("fault", fault.describe());
          faultLine.put("lost", lost);
          lines.add(faultLine);
        });
    double[] c = tlp.fractionsAndReset(now);
    Map<String, Object> line = line("tlp", "tlp");
    line.put("tlp", round(ThreadLevelParallelism.tlp(c)));
    List<Double> fractions = new ArrayList<>();
    for (double ci : c) {
      fractions.add(round(ci));
    }
    line.put("c", fractions);
    lines.add(line);
    lines.add(loopLine());
    status = List.copyOf(hostStatus);
    return lines;
  }

  /** How late the loop ran its timed events: every emulated delay is longer by this. */
  private Map<String, Object> loopLine() {
    Histogram lateness = loop.latenessSinceLast();
    Map<String, Object> line = line("emulation-loop", "loop");
    line.put("timers", lateness.getTotalCount());
    line.put("lateness_mean_ms", lateness.getTotalCount() > 0 ? round(lateness.getMean() / 1000) : 0.0);
    MillisecondPercentiles.put(line, "lateness", lateness);
    return line;
  }

  /** The node's hosts and VMs summed over an interval: the {@code datacenter} line, written while host lines are sampled. */
  private static final class Totals {
    int hosts;
    int vms;
    int busyVms;
    int hostLines;
    int vmLines;
    long cores;
    long runnable;
    double busyNanos;
    double dirtyPagesPerSecond;

    void add(HostCpu host, double busyDelta) {
      hosts++;
      cores += host.cores();
      runnable += host.runnable();
      busyNanos += busyDelta;
    }

    void add(double cpuShare, double dirtyRate) {
      vms++;
      busyVms += cpuShare > 0 ? 1 : 0;
      dirtyPagesPerSecond += dirtyRate;
    }

    Map<String, Object> line(double seconds) {
      Map<String, Object> line = NodeDatacenter.line("datacenter", "datacenter");
      line.put("hosts", hosts);
      line.put("vms", vms);
      line.put("host_lines", hostLines);
      line.put("vm_lines", vmLines);
      line.put("cores", cores);
      line.put("cpu_utilisation", cores == 0 ? 0.0 : round(busyNanos / (seconds * 1e9 * cores)));
      line.put("runnable", runnable);
      line.put("busy_vms", busyVms);
      line.put("dirty_pages_per_s", round(dirtyPagesPerSecond));
      return line;
    }
  }

  private static Map<String, Object> line(String component, String kind) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("component", component);
    line.put("kind", kind);
    return line;
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }

  @Override
  public void close() {
    loop.close();
  }
}
