package clusteremu.node.datacenter.emulation;

/**
 * A VM's memory as pages with versions: every write bumps the page's version and marks it dirty,
 * so a copy (the migration issue) can tell which pages changed and prove it has the last write.
 * Pages are kept in chunks allocated on first write, so an idle 2 GiB VM costs a few kilobytes.
 * Safe from any thread (the guest writes from its actor, background writes come from the loop).
 */
public final class GuestMemory {
  private static final int CHUNK_BITS = 10;
  private static final int CHUNK = 1 << CHUNK_BITS;

  private final long pages;
  private final Chunk[] chunks;
  private long dirtyPages;
  private long writesTotal;

  private static final class Chunk {
    final int[] versions = new int[CHUNK];
    final long[] dirty = new long[CHUNK / 64];
  }

  public GuestMemory(long pages) {
    if (pages <= 0 || (pages >> CHUNK_BITS) >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("pages must be from 1 to 2^40, got " + pages);
    }
    this.pages = pages;
    this.chunks = new Chunk[(int) ((pages + CHUNK - 1) >> CHUNK_BITS)];
  }

  public long pages() {
    return pages;
  }

  /** Writes page {@code page}: a new version, and dirty until cleaned. */
  public synchronized void write(long page) {
    if (page < 0 || page >= pages) {
      throw new IndexOutOfBoundsException("page " + page + " of " + pages);
    }
    int index = (int) (page >> CHUNK_BITS);
    Chunk chunk = chunks[index];
    if (chunk == null) {
      chunk = chunks[index] = new Chunk();
    }
    int offset = (int) (page & (CHUNK - 1));
    chunk.versions[offset]++;
    long bit = 1L << (offset & 63);
    if ((chunk.dirty[offset >> 6] & bit) == 0) {
      chunk.dirty[offset >> 6] |= bit;
      dirtyPages++;
    }
    writesTotal++;
  }

  /** The version of a page: how many times it was written. */
  public synchronized int version(long page) {
    Chunk chunk = chunks[(int) (page >> CHUNK_BITS)];
    return chunk == null ? 0 : chunk.versions[(int) (page & (CHUNK - 1))];
  }

  /** Pages written since they were last cleaned. */
  public synchronized long dirtyPages() {
    return dirtyPages;
  }

  /** Page writes so far. */
  public synchronized long writes() {
    return writesTotal;
  }

  /** Marks every page clean (what a completed copy does). */
  public synchronized void cleanAll() {
    for (Chunk chunk : chunks) {
      if (chunk != null) {
        java.util.Arrays.fill(chunk.dirty, 0);
      }
    }
    dirtyPages = 0;
  }
}
