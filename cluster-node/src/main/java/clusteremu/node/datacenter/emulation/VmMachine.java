package clusteremu.node.datacenter.emulation;

import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.tiers.machine.Machine;
import clusteremu.tiers.machine.Mobile;
import clusteremu.tiers.time.TimeDilation;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The machine a guest sees inside a VM: its vCPUs on the host's shared cores, its pages, and the
 * emulated network from wherever placement says the VM runs (the network looks that up per
 * message). The figures it reports to the metrics log are read without stopping the loop, so
 * they may be a moment old.
 */
public final class VmMachine implements Machine {
  private final VmSpec spec;
  private final HostCpu.VmCpu cpu;
  private final GuestMemory memory;
  private final Network network;
  private final EmulationLoop loop;
  private volatile Mobile<?> guest;
  private volatile boolean paused;
  private volatile int throttlePercent;
  /** The faults of a VM that arrived by post-copy, or null for one that has all its pages. */
  private final PageFaults faults;

  public VmMachine(VmSpec spec, HostCpu.VmCpu cpu, GuestMemory memory, Network network, EmulationLoop loop) {
    this.spec = spec;
    this.cpu = cpu;
    this.memory = memory;
    this.network = network;
    this.loop = loop;
    this.faults = memory.missingPages() > 0 ? new PageFaults(memory) : null;
  }

  @Override
  public <T> void compute(long demandNanos, ActorRef<T> replyTo, T whenDone) {
    if (computesAtOnce(demandNanos)) {
      replyTo.tell(whenDone);
      return;
    }
    long now = loop.now();
    loop.execute(() -> cpu.run(now, demandNanos, at -> replyTo.tell(whenDone)));
  }

  @Override
  public boolean computesAtOnce(long demandNanos) {
    return demandNanos <= 0;
  }

  @Override
  public boolean computesOnDataAtOnce(long key, long demandNanos) {
    return computesAtOnce(demandNanos) && hasEveryPage();
  }

  /** False while pages of a post-copy are still at its source: data work may first have to fetch one. */
  private boolean hasEveryPage() {
    return faults == null || memory.missingPages() == 0;
  }

  @Override
  public <T> void send(ActorRef<T> to, T message) {
    network.sendFromVm(spec.name(), to, message);
  }

  @Override
  public <T> boolean sendToVm(String vm, T message) {
    return network.sendToVm(spec.name(), vm, message);
  }

  @Override
  public String vmOf(ActorRef<?> guest) {
    return VmAddresses.vmOf(guest);
  }

  @Override
  public <T> void computeOnData(long key, long demandNanos, ActorRef<T> replyTo, T whenDone) {
    if (hasEveryPage()) {
      compute(demandNanos, replyTo, whenDone);
      return;
    }
    long page = pageOf(key);
    long now = loop.now();
    loop.execute(
        () ->
            faults.await(
                page,
                now,
                at -> {
                  if (demandNanos <= 0) {
                    replyTo.tell(whenDone);
                  } else {
                    cpu.run(at, demandNanos, done -> replyTo.tell(whenDone));
                  }
                }));
  }

  /** A data write dirties the page the key lives on (keys are spread over all the VM's pages). */
  @Override
  public void writeData(long key) {
    writePage(pageOf(key));
  }

  /** Writes a page: at once when it is here, after fetching it when it is still at a post-copy's source. */
  public void writePage(long page) {
    if (faults == null || memory.isPresent(page)) {
      memory.write(page);
      return;
    }
    long now = loop.now();
    loop.execute(() -> faults.await(page, now, at -> memory.write(page)));
  }

  private long pageOf(long key) {
    return Math.floorMod(Long.hashCode(key * 0x9E3779B97F4A7C15L), memory.pages());
  }

  /** The faults of a VM that arrived by post-copy, or null when it came with all its pages. */
  public PageFaults faults() {
    return faults;
  }

  @Override
  public TimeDilation time() {
    return loop.time();
  }

  @Override
  public int cpuQueueLength() {
    return Math.max(0, cpu.runnable() - spec.vcpus()) + cpu.waiting();
  }

  @Override
  public long cpuBusyNanos() {
    return (long) cpu.busyCoreNanos();
  }

  @Override
  public int cores() {
    return spec.vcpus();
  }

  @Override
  public void carry(Mobile<?> guest) {
    this.guest = guest;
  }

  /** Everything the guest holds now, or null for a VM without a guest. Call on the guest's actor thread. */
  public Object captureGuest() {
    Mobile<?> carried = guest;
    return carried == null ? null : carried.capture();
  }

  /** Paused: the guest takes no new work and the rest of it writes no memory. */
  public void pause(boolean paused) {
    this.paused = paused;
  }

  public boolean paused() {
    return paused;
  }

  /** Takes {@code percent} of the guest's CPU away (auto-converge): it computes and writes that much less. */
  public void throttle(int percent) {
    this.throttlePercent = percent;
    long now = loop.now();
    loop.execute(() -> cpu.throttle(now, (100 - percent) / 100.0));
  }

  public int throttlePercent() {
    return throttlePercent;
  }

  public VmSpec spec() {
    return spec;
  }

  public GuestMemory memory() {
    return memory;
  }

  HostCpu.VmCpu cpu() {
    return cpu;
  }
}
