package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Processor sharing against its analytic answers. Each job reports the emulated instant it
 * finished, so the checks hold on a busy machine too; the loop only runs them late.
 */
class HostCpuTest {
  private static final long MS = 1_000_000;
  private final EmulationLoop loop = new EmulationLoop("test-loop");

  @AfterEach
  void stop() {
    loop.close();
  }

  /** Starts jobs of the given demands at one instant on {@code vm}s and returns when each finished, relative to the start. */
  private List<Long> run(HostCpu host, List<HostCpu.VmCpu> vms, long... demands) throws Exception {
    // The futures are made here, before the loop runs the jobs, so the test thread waits on each
    // one (with a deadline) and never reads a list the loop thread is still filling.
    List<CompletableFuture<Long>> finished = new ArrayList<>();
    for (int i = 0; i < demands.length; i++) {
      finished.add(new CompletableFuture<>());
    }
    CompletableFuture<Long> started = new CompletableFuture<>();
    loop.execute(() -> {
      long start = System.nanoTime();
      started.complete(start);
      for (int i = 0; i < demands.length; i++) {
        vms.get(i).run(start, demands[i], finished.get(i)::complete);
      }
    });
    long start = started.get(10, TimeUnit.SECONDS);
    List<Long> result = new ArrayList<>();
    for (CompletableFuture<Long> f : finished) {
      result.add(f.get(30, TimeUnit.SECONDS) - start);
    }
    return result;
  }

  /** {@code n} jobs of {@code demand} on {@code vm}, all at one instant. */
  private List<Long> backlog(HostCpu host, HostCpu.VmCpu vm, int n, long demand) throws Exception {
    long[] demands = new long[n];
    java.util.Arrays.fill(demands, demand);
    return run(host, java.util.Collections.nCopies(n, vm), demands);
  }

  private static void assertNear(double expectedMs, long actualNanos) {
    assertEquals(expectedMs, actualNanos / 1e6, expectedMs * 0.001 + 0.01, "finish time in ms");
  }

  @Test
  void aGuestWithAThreadPerVcpuServesABacklogOneBurstAfterAnotherInArrivalOrder() throws Exception {
    HostCpu host = new HostCpu("h", 1, 0, loop, new ThreadLevelParallelism(1, System.nanoTime()));
    List<Long> done = backlog(host, host.addVm("vm", 1, 1), 10, 2 * MS);
    for (int i = 0; i < 10; i++) {
      assertNear(2 * (i + 1), done.get(i));
    }
  }

  @Test
  void saturatedThreadsServeVcpusOverDemandBurstsPerSecond() throws Exception {
    // c vCPUs and c threads, demand s, a backlog of n: the last finishes at ceil(n / c) x s (M/D/c).
    HostCpu host = new HostCpu("h", 4, 0, loop, new ThreadLevelParallelism(4, System.nanoTime()));
    List<Long> done = backlog(host, host.addVm("vm", 4, 4), 100, 3 * MS);
    assertNear(Math.ceil(100 / 4.0) * 3, done.stream().mapToLong(Long::longValue).max().orElseThrow());
    assertNear(3, done.get(0));
    assertNear(6, done.get(4));
  }

  @Test
  void aVmTakenOffItsHostGivesItsCoresToTheOthers() throws Exception {
    HostCpu host = new HostCpu("h", 1, 0, loop, new ThreadLevelParallelism(1, System.nanoTime()));
    HostCpu.VmCpu staying = host.addVm("staying", 1);
    HostCpu.VmCpu leaving = host.addVm("leaving", 1);
    CompletableFuture<Long> finished = new CompletableFuture<>();
    CompletableFuture<Long> started = new CompletableFuture<>();
    loop.execute(() -> {
      long start = System.nanoTime();
      started.complete(start);
      staying.run(start, 100 * MS, finished::complete);
      leaving.run(start, 100 * MS, at -> {});
      loop.at(start + 50 * MS, at -> host.removeVm(leaving, start + 50 * MS));
    });
    long start = started.get(5, TimeUnit.SECONDS);
    // Half a core for 50 ms (25 ms of work), then the whole core for the 75 ms left.
    assertNear(125, finished.get(5, TimeUnit.SECONDS) - start);
    assertEquals(List.of(staying), host.vms());
  }

  @Test
  void twoCpuBoundJobsOnOneCoreEachTakeTwiceTheirDemand() throws Exception {
    HostCpu host = new HostCpu("h", 1, 0, loop, new ThreadLevelParallelism(1, System.nanoTime()));
    HostCpu.VmCpu vm = host.addVm("vm", 1);
    List<Long> done = run(host, List.of(vm, vm), 100 * MS, 100 * MS);
    assertNear(200, done.get(0));
    assertNear(200, done.get(1));
  }

  @Test
  void aShortJobLeavesAtTwiceItsDemandAndTheLongOneThenRunsAlone() throws Exception {
    HostCpu host = new HostCpu("h", 1, 0, loop, new ThreadLevelParallelism(1, System.nanoTime()));
    HostCpu.VmCpu vm = host.addVm("vm", 1);
    List<Long> done = run(host, List.of(vm, vm), 50 * MS, 150 * MS);
    assertNear(100, done.get(0));
    assertNear(200, done.get(1));
  }

  @Test
  void aVcpuNeverRunsFasterThanOneCore() throws Exception {
    HostCpu host = new HostCpu("h", 4, 0, loop, new ThreadLevelParallelism(4, System.nanoTime()));
    HostCpu.VmCpu small = host.addVm("small", 1);
    HostCpu.VmCpu big = host.addVm("big", 2);
    // Two threads on one vCPU share it; two threads on two vCPUs each get a core.
    List<Long> done = run(host, List.of(small, small, big, big), 100 * MS, 100 * MS, 100 * MS, 100 * MS);
    assertNear(200, done.get(0));
    assertNear(200, done.get(1));
    assertNear(100, done.get(2));
    assertNear(100, done.get(3));
  }

  @Test
  void vmsShareAnOvercommittedHostFairly() throws Exception {
    HostCpu host = new HostCpu("h", 2, 0, loop, new ThreadLevelParallelism(2, System.nanoTime()));
    HostCpu.VmCpu a = host.addVm("a", 2);
    HostCpu.VmCpu b = host.addVm("b", 2);
    // Three threads, two cores: each VM gets one core, a's two threads share theirs. At 100 ms
    // b is done and a's threads, 50 ms of work left each, get a core each: done at 150 ms.
    List<Long> done = run(host, List.of(a, a, b), 100 * MS, 100 * MS, 100 * MS);
    assertNear(150, done.get(0));
    assertNear(150, done.get(1));
    assertNear(100, done.get(2));
  }

  @Test
  void runnableThreadsBeyondTheCoresCostContextSwitches() throws Exception {
    HostCpu host = new HostCpu("h", 1, 0.5, loop, new ThreadLevelParallelism(1, System.nanoTime()));
    HostCpu.VmCpu vm = host.addVm("vm", 1);
    // Three threads on one core, two in excess: capacity 1 / (1 + 0.5 x 2) = 0.5 core, so
    // 300 ms of work takes 600 ms.
    List<Long> done = run(host, List.of(vm, vm, vm), 100 * MS, 100 * MS, 100 * MS);
    for (long d : done) {
      assertNear(600, d);
    }
  }

  @Test
  void vcpusBeyondTheHostsCoresCostHypervisorSwitches() throws Exception {
    HostCpu host = new HostCpu("h", 1, 0.5, loop, new ThreadLevelParallelism(1, System.nanoTime()));
    List<HostCpu.VmCpu> vms = List.of(host.addVm("a", 1), host.addVm("b", 1), host.addVm("c", 1));
    // Three busy vCPUs on one core: capacity 1 / (1 + 0.5 x 2) = 0.5, a sixth of a core each.
    for (long d : run(host, vms, 100 * MS, 100 * MS, 100 * MS)) {
      assertNear(600, d);
    }
  }

  @Test
  void threadLevelParallelismFollowsTheNotesFormula() {
    ThreadLevelParallelism tlp = new ThreadLevelParallelism(2, 0);
    tlp.change(100, 1); // 0 threads for 100
    tlp.change(300, 1); // 1 thread for 200
    tlp.change(400, -2); // 2 threads for 100
    double[] c = tlp.fractionsAndReset(500); // 0 threads for 100 more
    assertEquals(0.4, c[0], 1e-9);
    assertEquals(0.4, c[1], 1e-9);
    assertEquals(0.2, c[2], 1e-9);
    // (1 x 0.4 + 2 x 0.2) / (1 - 0.4)
    assertEquals(0.8 / 0.6, ThreadLevelParallelism.tlp(c), 1e-9);
  }
}
