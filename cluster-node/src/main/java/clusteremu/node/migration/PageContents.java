package clusteremu.node.migration;

import java.util.zip.CRC32C;

/**
 * The contents of pages when a migration carries them for real ({@code contents = real}): each
 * page's bytes follow from its number and version, so the source need not keep gigabytes of
 * them, yet every byte is different and really crosses the carrier; the destination checks the
 * batch's CRC-32C and drops the bytes.
 */
public final class PageContents {
  private PageContents() {}

  /** The contents of {@code pages} at {@code versions}, {@code pageBytes} each, one after another. */
  public static byte[] of(long[] pages, int[] versions, int pageBytes) {
    byte[] contents = new byte[pages.length * pageBytes];
    for (int i = 0; i < pages.length; i++) {
      long x = pages[i] * 0x9E3779B97F4A7C15L + versions[i] + 1;
      int at = i * pageBytes;
      for (int b = 0; b + 8 <= pageBytes; b += 8) {
        // xorshift64: cheap, and no two pages or versions alike
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        for (int k = 0; k < 8; k++) {
          contents[at + b + k] = (byte) (x >>> (8 * k));
        }
      }
    }
    return contents;
  }

  /**
   * The CRC-32C of a batch: its page numbers, their versions and their contents, as the source
   * sends it and the destination recomputes it (so a page with another's bytes fails too).
   */
  public static long crc(long[] pages, int[] versions, byte[] contents) {
    CRC32C crc = new CRC32C();
    java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(pages.length * 12);
    for (int i = 0; i < pages.length; i++) {
      header.putLong(pages[i]).putInt(versions[i]);
    }
    crc.update(header.array(), 0, header.capacity());
    crc.update(contents, 0, contents.length);
    return crc.getValue();
  }
}
