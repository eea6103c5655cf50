package clusteremu.node.datacenter.emulation;

/**
 * A VM's memory as pages with versions: every write bumps the page's version and marks it dirty,
 * so a copy (the migration issue) can tell which pages changed and prove it has the last write.
 * Pages are kept in chunks allocated on first write, so an idle 2 GiB VM costs a few kilobytes.
 * Safe from any thread (the guest writes from its actor, background writes come from the loop).
 *
 * <p>A memory that arrives by post-copy starts with pages <em>missing</em>: they are still at the
 * source, and the guest must fetch one before it touches it (see {@link PageFaults}). Every page
 * installed by a copy adds to a digest of the versions as they arrived, so a destination whose
 * guest has already written again can still prove it received the source's last versions.
 */
public final class GuestMemory {
  private static final int CHUNK_BITS = 10;
  private static final int CHUNK = 1 << CHUNK_BITS;

  private final long pages;
  private final Chunk[] chunks;
  private long dirtyPages;
  private long writesTotal;
  /** Pages still at the source of a post-copy, or null when every page is here. */
  private java.util.BitSet missing;
  /** Volatile: read per data access of a VM that came by post-copy, without taking the lock. */
  private volatile long missingPages;
  private long installedDigest;

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

  /** Writes page {@code page}: a new version, and dirty until cleaned. The page must be here. */
  public synchronized void write(long page) {
    if (page < 0 || page >= pages) {
      throw new IndexOutOfBoundsException("page " + page + " of " + pages);
    }
    if (missing != null && missing.get((int) page)) {
      throw new IllegalStateException("page " + page + " is still at the source: fetch it before writing");
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

  /**
   * The pages written since they were last cleaned, in page order, and marks them clean: what a
   * pre-copy round takes to send next. Cost O(pages / 64) plus the pages returned.
   */
  public synchronized long[] takeDirty() {
    long[] taken = new long[(int) Math.min(Integer.MAX_VALUE - 8, dirtyPages)];
    int n = 0;
    for (int c = 0; c < chunks.length; c++) {
      Chunk chunk = chunks[c];
      if (chunk == null) {
        continue;
      }
      for (int w = 0; w < chunk.dirty.length; w++) {
        long bits = chunk.dirty[w];
        while (bits != 0) {
          int bit = Long.numberOfTrailingZeros(bits);
          taken[n++] = ((long) c << CHUNK_BITS) + (w << 6) + bit;
          bits &= bits - 1;
        }
        chunk.dirty[w] = 0;
      }
    }
    dirtyPages = 0;
    return n == taken.length ? taken : java.util.Arrays.copyOf(taken, n);
  }

  /** Puts a page that arrived from a copy: its version as sent, and clean. */
  public synchronized void install(long page, int version) {
    int old = version(page);
    installedDigest += digest(page, version) - digest(page, old);
    if (missing != null && missing.get((int) page)) {
      missing.clear((int) page);
      missingPages--;
    }
    int index = (int) (page >> CHUNK_BITS);
    Chunk chunk = chunks[index];
    if (chunk == null) {
      if (version == 0) {
        return; // a never-written page: nothing to hold
      }
      chunk = chunks[index] = new Chunk();
    }
    chunk.versions[(int) (page & (CHUNK - 1))] = version;
  }

  /**
   * Installs a page that arrived by post-copy, unless it is here already (it came twice: on
   * demand and in the background push, and the guest may have written it since). True when it
   * was installed.
   */
  public synchronized boolean installIfMissing(long page, int version) {
    if (missing == null || !missing.get((int) page)) {
      return false;
    }
    install(page, version);
    return true;
  }

  /** Marks {@code pagesStillAtSource} missing: the guest runs here before they arrive (post-copy). */
  public synchronized void markMissing(long[] pagesStillAtSource) {
    if (missing == null) {
      missing = new java.util.BitSet();
    }
    for (long page : pagesStillAtSource) {
      if (!missing.get((int) page)) {
        missing.set((int) page);
        missingPages++;
      }
    }
  }

  /** Marks every page missing: nothing has been copied before the guest runs here (post-copy). */
  public synchronized void markAllMissing() {
    missing = new java.util.BitSet();
    missing.set(0, (int) pages);
    missingPages = pages;
  }

  /** False while the page is still at the source of a post-copy. */
  public synchronized boolean isPresent(long page) {
    return missing == null || !missing.get((int) page);
  }

  /** Pages still at the source of a post-copy. */
  public long missingPages() {
    return missingPages;
  }

  /**
   * The {@link #checksum} of the versions as copies installed them, whatever the guest wrote
   * here since: equal to the source's checksum at its pause when every last version arrived.
   */
  public synchronized long installedDigest() {
    return installedDigest;
  }

  /**
   * Pages whose version here differs from {@code other}'s: 0 when a copy holds every last
   * write. Both must have the same number of pages.
   */
  public synchronized long pagesDifferingFrom(GuestMemory other) {
    if (other.pages != pages) {
      throw new IllegalArgumentException("memories of " + pages + " and " + other.pages + " pages");
    }
    long differing = 0;
    for (long page = 0; page < pages; page++) {
      if (version(page) != other.version(page)) {
        differing++;
      }
    }
    return differing;
  }

  /**
   * A digest of every page's version, the same for two memories whose pages hold the same
   * versions (pages never written count as version 0 and add nothing), whatever the order they
   * were written or copied in: what the destination of a copy compares with its source.
   */
  public synchronized long checksum() {
    long sum = 0;
    for (int c = 0; c < chunks.length; c++) {
      Chunk chunk = chunks[c];
      if (chunk == null) {
        continue;
      }
      for (int offset = 0; offset < CHUNK; offset++) {
        sum += digest(((long) c << CHUNK_BITS) + offset, chunk.versions[offset]);
      }
    }
    return sum;
  }

  /** One page's part of {@link #checksum}: nothing for a page never written. */
  private static long digest(long page, int version) {
    if (version == 0) {
      return 0;
    }
    long z = page * 0x9E3779B97F4A7C15L + version;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return z ^ (z >>> 27);
  }
}
