package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.datacenter.VmSpec;
import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a guest may go straight on instead of waiting for its own message: no demand, and its data here. */
class VmMachineTest {
  private static final long PAGES = 64;
  private final EmulationLoop loop = new EmulationLoop("test-loop");

  @AfterEach
  void stop() {
    loop.close();
  }

  private VmMachine machine(GuestMemory memory) {
    HostCpu host = new HostCpu("h", 2, 0, loop, new ThreadLevelParallelism(2, System.nanoTime()));
    VmSpec spec = new VmSpec("vm", "h", 1, PAGES * 4096, PAGES, Optional.empty(), ConfigFactory.empty(), 0, 0);
    return new VmMachine(spec, host.addVm("vm", 1), memory, null, loop);
  }

  @Test
  void workOfNoDemandIsDoneAtOnceAndAnyDemandWaitsForTheCpu() {
    VmMachine machine = machine(new GuestMemory(PAGES));
    assertTrue(machine.computesAtOnce(0));
    assertFalse(machine.computesAtOnce(1));
    assertTrue(machine.computesOnDataAtOnce(7, 0));
    assertFalse(machine.computesOnDataAtOnce(7, 1_000));
  }

  @Test
  void afterAPostCopyDataWorkWaitsUntilEveryPageHasArrived() {
    GuestMemory memory = new GuestMemory(PAGES);
    memory.markAllMissing();
    VmMachine machine = machine(memory);
    assertTrue(machine.computesAtOnce(0), "work on no data needs no page");
    assertFalse(machine.computesOnDataAtOnce(7, 0), "its page may still be at the source");
  }
}
