package clusteremu.node.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The CPU model against its formulas, in emulated nanoseconds: no clocks, no actors. */
class FifoCoresTest {
  private static final long MS = 1_000_000;

  @Test
  void anIdleCoreServesAJobInExactlyItsDemand() {
    FifoCores cpu = new FifoCores(1, 0);
    assertEquals(5 * MS, cpu.submit(3 * MS, 2 * MS));
    assertEquals(20 * MS, cpu.submit(3 * MS, 17 * MS), "idle again by then");
  }

  @Test
  void oneCoreServesABacklogOneJobAfterAnotherInArrivalOrder() {
    FifoCores cpu = new FifoCores(1, 0);
    for (int i = 1; i <= 10; i++) {
      assertEquals(i * 2 * MS, cpu.submit(2 * MS, 0));
    }
  }

  @Test
  void saturatedCoresServeCoresOverDemandJobsPerSecond() {
    // c cores, demand s, a backlog of n jobs: the last one finishes at ceil(n / c) * s,
    // i.e. throughput c / s.
    int cores = 4;
    long demand = 3 * MS;
    int n = 1000;
    FifoCores cpu = new FifoCores(cores, 0);
    long last = 0;
    for (int i = 0; i < n; i++) {
      last = Math.max(last, cpu.submit(demand, 0));
    }
    assertEquals((long) Math.ceil(n / (double) cores) * demand, last);
    double throughput = n / (last / 1e9);
    assertEquals(cores / (demand / 1e9), throughput, 1e-6);
  }

  @Test
  void queueLengthCountsJobsNotYetStarted() {
    FifoCores cpu = new FifoCores(2, 0);
    for (int i = 0; i < 6; i++) {
      cpu.submit(10 * MS, 0);
    }
    assertEquals(4, cpu.queueLength(0), "two running, four waiting");
    assertEquals(2, cpu.queueLength(10 * MS), "the next two started at 10 ms");
    assertEquals(0, cpu.queueLength(20 * MS));
  }

  @Test
  void busyTimeCountsOnlyWorkDoneSoFar() {
    FifoCores cpu = new FifoCores(2, 0);
    cpu.submit(10 * MS, 0);
    cpu.submit(30 * MS, 0);
    assertEquals(0, cpu.busyNanos(0));
    assertEquals(10 * MS, cpu.busyNanos(5 * MS), "two cores busy for 5 ms");
    assertEquals(30 * MS, cpu.busyNanos(20 * MS), "10 ms on one core, 20 on the other");
    assertEquals(40 * MS, cpu.busyNanos(100 * MS));
  }

  @Test
  void refusesAMachineWithoutCores() {
    assertThrows(IllegalArgumentException.class, () -> new FifoCores(0, 0));
  }
}
