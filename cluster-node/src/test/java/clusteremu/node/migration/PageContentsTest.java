package clusteremu.node.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Real page contents: the same page and version give the same bytes, any other differ, and the CRC catches a changed byte. */
class PageContentsTest {
  @Test
  void contentsFollowFromPageAndVersionAndTheCrcCatchesAChangedByte() {
    byte[] batch = PageContents.of(new long[] {7, 8}, new int[] {1, 1}, 4096);
    assertEquals(2 * 4096, batch.length);
    assertArrayEquals(batch, PageContents.of(new long[] {7, 8}, new int[] {1, 1}, 4096), "deterministic");
    byte[] page7 = Arrays.copyOfRange(batch, 0, 4096);
    byte[] page8 = Arrays.copyOfRange(batch, 4096, 8192);
    assertFalse(Arrays.equals(page7, page8), "pages differ");
    assertFalse(Arrays.equals(page7, PageContents.of(new long[] {7}, new int[] {2}, 4096)), "versions differ");
    long crc = PageContents.crc(batch);
    batch[5000] ^= 1;
    assertNotEquals(crc, PageContents.crc(batch));
  }
}
