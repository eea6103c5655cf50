package clusteremu.node.datacenter.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Placement follows moves in their order: a replicated notice of an earlier move that arrives
 * after a later one was written here (Distributed Data notifies in batches) never takes the VM
 * back, and a move without a guest reference forgets the old one.
 */
class PlacementTest {
  @Test
  void aLateNoticeOfAnEarlierMoveChangesNothing() {
    Placement placement = new Placement(Map.of("vm", "h1"), Map.of("h1", "n1", "h2", "n2"));
    placement.apply("vm", Placement.encode(1, "h2", "pekko://c@x:2/user/host-h2/vm/guest#7"));
    assertEquals("h2", placement.hostOf("vm"));
    placement.placeVm("vm", "h1", "pekko://c@x:1/user/host-h1/vm.2/guest#9", 2); // written here: back again
    placement.apply("vm", Placement.encode(1, "h2", "pekko://c@x:2/user/host-h2/vm/guest#7")); // the notice of move 1, late
    assertEquals("h1", placement.hostOf("vm"), "move 2 stands");
    assertEquals("pekko://c@x:1/user/host-h1/vm.2/guest#9", placement.guestOf("vm"));
    assertEquals(2, placement.movesOf("vm"));
    placement.apply("vm", Placement.encode(3, "h2", null));
    assertEquals("h2", placement.hostOf("vm"));
    assertNull(placement.guestOf("vm"), "no reference given: the VM's first path, not the old incarnation's");
  }
}
