package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    assertEquals(2, memory.takeDirty().length);
    assertEquals(0, memory.dirtyPages());
    assertEquals(2, memory.version(7), "taking the dirty pages keeps versions");
    assertThrows(IndexOutOfBoundsException.class, () -> memory.write(1L << 20));
  }

  @Test
  void aCopyTakesTheDirtyPagesInOrderAndProvesItHoldsTheLastWrites() {
    GuestMemory source = new GuestMemory(5000);
    GuestMemory copy = new GuestMemory(5000);
    source.write(4097);
    source.write(3);
    source.write(3);
    assertArrayEquals(new long[] {3, 4097}, source.takeDirty());
    assertEquals(0, source.dirtyPages(), "taking cleans them");
    assertArrayEquals(new long[0], source.takeDirty());
    copy.install(3, source.version(3));
    assertEquals(1, source.pagesDifferingFrom(copy), "page 4097 has not arrived");
    copy.install(4097, source.version(4097));
    assertEquals(0, source.pagesDifferingFrom(copy));
    assertEquals(source.checksum(), copy.checksum(), "same versions, same digest");
    assertEquals(0, copy.dirtyPages(), "installed pages are clean");
    source.write(3);
    assertEquals(1, copy.pagesDifferingFrom(source), "a write after the copy shows");
    assertNotEquals(source.checksum(), copy.checksum(), "in the digest too");
  }

  @Test
  void aPostcopyDestinationFetchesMissingPagesOnceAndProvesWhatArrivedThoughItWroteSince() {
    GuestMemory source = new GuestMemory(3000);
    source.write(5);
    source.write(2050);
    source.write(2050);
    GuestMemory destination = new GuestMemory(3000);
    destination.install(5, source.version(5)); // pre-copied
    destination.markMissing(new long[] {2050, 7});
    assertEquals(2, destination.missingPages());
    assertFalse(destination.isPresent(2050));
    assertThrows(IllegalStateException.class, () -> destination.write(2050), "a missing page is fetched before it is written");
    assertTrue(destination.installIfMissing(2050, source.version(2050)));
    destination.write(2050); // the guest writes it at once
    assertFalse(destination.installIfMissing(2050, source.version(2050)), "the push's copy comes too late and changes nothing");
    assertEquals(3, destination.version(2050));
    assertTrue(destination.installIfMissing(7, source.version(7)));
    assertEquals(0, destination.missingPages());
    assertEquals(source.checksum(), destination.installedDigest(), "the versions as they arrived are the source's last");
    assertNotEquals(source.checksum(), destination.checksum(), "while the memory has moved on");
    GuestMemory all = new GuestMemory(3000);
    all.markAllMissing();
    assertEquals(3000, all.missingPages());
  }
}
