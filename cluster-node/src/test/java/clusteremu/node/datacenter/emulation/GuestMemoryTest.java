package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GuestMemoryTest {
  @Test
  void writesBumpVersionsAndDirtyEachPageOnce() {
    GuestMemory memory = new GuestMemory(1L << 20); // 4 GiB of 4 KiB pages
    memory.write(7);
    memory.write(7);
    memory.write(1 << 19);
    assertEquals(2, memory.version(7));
    assertEquals(1, memory.version(1 << 19));
    assertEquals(0, memory.version(8));
    assertEquals(2, memory.dirtyPages());
    assertEquals(3, memory.writes());
    memory.cleanAll();
    assertEquals(0, memory.dirtyPages());
    assertEquals(2, memory.version(7), "cleaning keeps versions");
    assertThrows(IndexOutOfBoundsException.class, () -> memory.write(1L << 20));
  }
}
