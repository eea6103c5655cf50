package clusteremu.node.datacenter.emulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The page faults of a VM that runs at its destination before all its pages have arrived
 * (post-copy): a touch of a missing page waits while the page is fetched from the source, which
 * takes a round trip plus the page's transfer. The first touch of a page asks the source for it;
 * later touches of the same page wait for that one request. Counts the requests ({@code
 * postcopy_faults}) and how long each waited ({@code postcopy_fault_wait_ms}), as QEMU counts
 * postcopy requests and blocktime. Loop thread only.
 */
public final class PageFaults {
  /** Asks the source for a page, at {@code now}. */
  public interface Requester {
    void request(long page, long now);
  }

  private final GuestMemory memory;
  private final Map<Long, List<LongConsumer>> waiting = new HashMap<>();
  private final Map<Long, Long> requestedAt = new HashMap<>();
  /** Requests made before the source could be asked (the VM ran before its migration was wired). */
  private final List<long[]> unsent = new ArrayList<>();
  private Requester requester;
  private volatile long faults;
  private volatile long waitNanos;

  public PageFaults(GuestMemory memory) {
    this.memory = memory;
  }

  /** Connects the faults to the source; requests made before are sent now. */
  public void connect(Requester requester) {
    this.requester = requester;
    for (long[] request : unsent) {
      requester.request(request[0], request[1]);
    }
    unsent.clear();
  }

  /** Runs {@code touch} once page {@code page} is here: at once, or when it has been fetched. */
  public void await(long page, long now, LongConsumer touch) {
    if (memory.isPresent(page)) {
      touch.accept(now);
      return;
    }
    List<LongConsumer> touches = waiting.get(page);
    if (touches == null) {
      touches = new ArrayList<>(1);
      waiting.put(page, touches);
      requestedAt.put(page, now);
      faults++;
      if (requester == null) {
        unsent.add(new long[] {page, now});
      } else {
        requester.request(page, now);
      }
    }
    touches.add(touch);
  }

  /** Pages that arrived at {@code now}, on demand or pushed: installed unless here already, and their waiters run. */
  public void arrived(long now, long[] pages, int[] versions) {
    for (int i = 0; i < pages.length; i++) {
      memory.installIfMissing(pages[i], versions[i]);
      List<LongConsumer> touches = waiting.remove(pages[i]);
      if (touches != null) {
        waitNanos += now - requestedAt.remove(pages[i]);
        touches.forEach(touch -> touch.accept(now));
      }
    }
  }

  /** Pages fetched on demand so far. */
  public long faults() {
    return faults;
  }

  /** Time the fetched pages were waited for, summed over the faults. */
  public long waitNanos() {
    return waitNanos;
  }
}
