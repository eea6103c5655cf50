package clusteremu.node.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Real page contents: the same page and version give the same bytes, any other differ, and the CRC catches a changed byte or label. */
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
    long[] pages = {7, 8};
    int[] versions = {1, 1};
    long crc = PageContents.crc(pages, versions, batch);
    assertNotEquals(crc, PageContents.crc(pages, new int[] {1, 2}, batch), "a version that does not match the bytes");
    assertNotEquals(crc, PageContents.crc(new long[] {8, 7}, versions, batch), "pages swapped");
    batch[5000] ^= 1;
    assertNotEquals(crc, PageContents.crc(pages, versions, batch), "a flipped bit");
  }
}
