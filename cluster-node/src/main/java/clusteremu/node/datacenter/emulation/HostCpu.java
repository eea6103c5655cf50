package clusteremu.node.datacenter.emulation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A host's cores, shared by the runnable threads of its VMs in processor sharing. Each VM gets a
 * fair share of the host, never more than one core per vCPU nor per runnable thread it has
 * (water-filling); a VM's threads share its part equally.
 *
 * <p>Context switches cost {@code contextSwitchCost} per thread in excess, at two levels: a VM
 * with n runnable threads on v vCPUs gets at most min(v, n) / (1 + cost x (n - v)) cores (its
 * guest OS switching), and a host whose VMs want w vCPUs' worth on c cores has c / (1 + cost x
 * (w - c)) cores to give (the hypervisor switching). Too many runnable threads therefore get less
 * done in total, as the lecture notes warn.
 *
 * <p>A VM's guest may run fewer threads than it has work: an event loop with one thread per
 * vCPU, say. Its VM then runs at most {@code threads} bursts at once and queues the rest in
 * arrival order, so such a guest on an uncontended host is exactly c FIFO servers (M/G/c).
 *
 * <p>Each VM keeps virtual time (CPU work each of its threads has been given so far), so a change
 * costs O(VMs on the host + log threads). Loop thread only.
 */
public final class HostCpu {
  private static final double EPSILON_NANOS = 1e-3;

  private final String name;
  private final int cores;
  private final double contextSwitchCost;
  private final Alarm wake;
  private final ThreadLevelParallelism tlp;
  private final List<VmCpu> vms = new ArrayList<>();
  private long lastNanos;
  private long sequence;
  private int runnable;
  private int executing;
  private double capacity;
  private double busyCoreNanosTotal;

  public HostCpu(String name, int cores, double contextSwitchCost, EmulationLoop loop, ThreadLevelParallelism tlp) {
    this.name = name;
    this.cores = cores;
    this.contextSwitchCost = contextSwitchCost;
    this.wake = new Alarm(loop, this::complete);
    this.tlp = tlp;
    this.capacity = cores;
  }

  /** The CPU side of one VM on this host. */
  public final class VmCpu {
    final String name;
    final int vcpus;
    final int threads;
    /** Bursts waiting for one of the guest's threads, in arrival order. */
    final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    final PriorityQueue<Job> jobs = new PriorityQueue<>(Comparator.comparingDouble(Job::finishVirtual).thenComparingLong(Job::sequence));
    double virtualNanos;
    /** Cores this VM gets right now, and each of its threads. */
    double rate;
    /** The fraction of its CPU the VM may use (auto-converge throttles it below 1). */
    double allowed = 1;
    double busyCoreNanosTotal;

    VmCpu(String name, int vcpus, int threads) {
      this.name = name;
      this.vcpus = vcpus;
      this.threads = threads;
    }

    public String name() {
      return name;
    }

    public int vcpus() {
      return vcpus;
    }

    /** Threads of this VM that are runnable (running or waiting for a core). */
    public int runnable() {
      return jobs.size();
    }

    /** Bursts waiting for a thread of the guest (not yet runnable). */
    public int waiting() {
      return waiting.size();
    }

    /** CPU time this VM has been given, in core-nanoseconds. */
    public double busyCoreNanos() {
      return busyCoreNanosTotal;
    }

    /** Runs {@code demandNanos} of CPU work from {@code now}; {@code done} hears when it is done. */
    public void run(long now, long demandNanos, Done done) {
      if (jobs.size() >= threads) {
        waiting.add(new Waiting(demandNanos, done));
        return;
      }
      now = Math.max(now, lastNanos);
      advance(now);
      jobs.add(new Job(virtualNanos + demandNanos, sequence++, done));
      share();
      reschedule();
    }

    /** Lets the VM use only {@code fraction} of the CPU it would get, from {@code now} (auto-converge). */
    public void throttle(long now, double fraction) {
      now = Math.max(now, lastNanos);
      advance(now);
      allowed = fraction;
      share();
      reschedule();
    }

    /** After a burst has finished: the next waiting ones take the freed threads. */
    void startWaiting() {
      Waiting next;
      while (jobs.size() < threads && (next = waiting.poll()) != null) {
        jobs.add(new Job(virtualNanos + next.demandNanos(), sequence++, next.done()));
      }
    }
  }

  /** Called with the instant the work was done. */
  public interface Done {
    void done(long at);
  }

  private record Job(double finishVirtual, long sequence, Done done) {}

  private record Waiting(long demandNanos, Done done) {}

  /** A VM whose guest may run as many threads as it likes (its own threading decides). */
  public VmCpu addVm(String vmName, int vcpus) {
    return addVm(vmName, vcpus, Integer.MAX_VALUE);
  }

  /** A VM whose guest runs at most {@code threads} CPU bursts at once, the rest in arrival order. */
  public VmCpu addVm(String vmName, int vcpus, int threads) {
    VmCpu vm = newVm(vmName, vcpus, threads);
    attach(vm);
    return vm;
  }

  /** The CPU side of a VM for this host, not yet attached; safe from any thread. */
  public VmCpu newVm(String vmName, int vcpus, int threads) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be above zero, got " + threads);
    }
    return new VmCpu(vmName, vcpus, threads);
  }

  /** Puts a VM made by {@link #newVm} on this host's cores. */
  public void attach(VmCpu vm) {
    vms.add(vm);
  }

  /**
   * Takes a VM off this host at {@code now}: its cores go to the others, and work it still had is
   * dropped with it (its guest is gone).
   */
  public void removeVm(VmCpu vm, long now) {
    advance(Math.max(now, lastNanos));
    vms.remove(vm);
    share();
    reschedule();
  }

  public String name() {
    return name;
  }

  public int cores() {
    return cores;
  }

  public List<VmCpu> vms() {
    return vms;
  }

  /** Runnable threads of all VMs on the host. */
  public int runnable() {
    return runnable;
  }

  /** Core-nanoseconds of useful work done so far (switching overhead not counted). */
  public double busyCoreNanos() {
    return busyCoreNanosTotal;
  }

  private void advance(long now) {
    long elapsed = now - lastNanos;
    if (elapsed > 0) {
      for (VmCpu vm : vms) {
        if (!vm.jobs.isEmpty()) {
          vm.virtualNanos += elapsed * vm.rate / vm.jobs.size();
          vm.busyCoreNanosTotal += elapsed * vm.rate;
          busyCoreNanosTotal += elapsed * vm.rate;
        }
      }
    }
    lastNanos = Math.max(lastNanos, now);
  }

  /** Water-filling: the host's capacity over its VMs, none above min(vCPUs, runnable threads). */
  private void share() {
    runnable = 0;
    List<VmCpu> wanting = new ArrayList<>();
    for (VmCpu vm : vms) {
      vm.rate = 0;
      if (!vm.jobs.isEmpty()) {
        runnable += vm.jobs.size();
        wanting.add(vm);
      }
    }
    int cappedThreads = 0;
    for (VmCpu vm : wanting) {
      cappedThreads += Math.min(vm.vcpus, vm.jobs.size());
    }
    capacity = cores / (1 + contextSwitchCost * Math.max(0, cappedThreads - cores));
    wanting.sort(Comparator.comparingDouble(this::cap));
    double left = capacity;
    int waiting = wanting.size();
    for (VmCpu vm : wanting) {
      vm.rate = Math.min(cap(vm), left / waiting);
      left -= vm.rate;
      waiting--;
    }
    int nowExecuting = Math.min(cores, cappedThreads);
    if (nowExecuting != executing) {
      tlp.change(lastNanos, nowExecuting - executing);
      executing = nowExecuting;
    }
  }

  /** The most a VM can use: a core per vCPU or thread, less its guest's switching. */
  private double cap(VmCpu vm) {
    int threads = vm.jobs.size();
    return vm.allowed * Math.min(vm.vcpus, threads) / (1 + contextSwitchCost * Math.max(0, threads - vm.vcpus));
  }

  private void reschedule() {
    long earliest = Long.MAX_VALUE;
    for (VmCpu vm : vms) {
      Job first = vm.jobs.peek();
      if (first != null && vm.rate > 0) {
        double remaining = Math.max(0, first.finishVirtual - vm.virtualNanos);
        earliest = Math.min(earliest, lastNanos + (long) Math.ceil(remaining * vm.jobs.size() / vm.rate));
      }
    }
    if (earliest == Long.MAX_VALUE) {
      return;
    }
    wake.at(earliest);
  }

  private void complete(long at) {
    advance(at);
    List<Job> finished = new ArrayList<>();
    for (VmCpu vm : vms) {
      Job first;
      while ((first = vm.jobs.peek()) != null && first.finishVirtual <= vm.virtualNanos + EPSILON_NANOS) {
        finished.add(vm.jobs.poll());
      }
      vm.startWaiting();
    }
    share();
    reschedule();
    for (Job job : finished) {
      job.done.done(at);
    }
  }
}
