package clusteremu.node.machine;

import java.util.ArrayDeque;

/**
 * The CPU of a machine as a queueing model: {@code c} identical cores serving work in arrival
 * order (an M/G/c FIFO queue when arrivals are random). Each job's start and finish are computed
 * exactly when it arrives, in emulated nanoseconds; a timer only delivers the result. So a late
 * timer delays one answer but never the next job, and a machine with c cores and demand s serves
 * exactly c/s jobs per second when saturated, whatever the host machine's timer jitter.
 *
 * <p>Cost: O(c) per job. Thread-safe (the metrics log reads it from another thread).
 */
public final class FifoCores {
  private final long[] freeAt;
  /** Start times of jobs that have not started yet; FIFO, so they never decrease. */
  private final ArrayDeque<Long> waitingStarts = new ArrayDeque<>();
  private long submittedDemand;

  public FifoCores(int cores, long nowNanos) {
    if (cores <= 0) {
      throw new IllegalArgumentException("cores must be above zero, got " + cores);
    }
    freeAt = new long[cores];
    java.util.Arrays.fill(freeAt, nowNanos);
  }

  /**
   * Queues a job of {@code demandNanos} arriving at {@code nowNanos} (which never goes back
   * between calls) and returns when it finishes.
   */
  public synchronized long submit(long demandNanos, long nowNanos) {
    int core = 0;
    for (int i = 1; i < freeAt.length; i++) {
      if (freeAt[i] < freeAt[core]) {
        core = i;
      }
    }
    long start = Math.max(nowNanos, freeAt[core]);
    long finish = start + demandNanos;
    freeAt[core] = finish;
    submittedDemand += demandNanos;
    if (start > nowNanos) {
      waitingStarts.addLast(start);
    }
    return finish;
  }

  /** Jobs that have arrived but not yet started at {@code nowNanos}. */
  public synchronized int queueLength(long nowNanos) {
    while (!waitingStarts.isEmpty() && waitingStarts.peekFirst() <= nowNanos) {
      waitingStarts.pollFirst();
    }
    return waitingStarts.size();
  }

  /**
   * Core time spent up to {@code nowNanos}, summed over the cores. Work after {@code nowNanos}
   * runs back to back on each core until its {@code freeAt} (a job that starts in the future
   * starts when the one before it finishes), so what is still to come is exactly the time from
   * now to each core's {@code freeAt}.
   */
  public synchronized long busyNanos(long nowNanos) {
    long toCome = 0;
    for (long free : freeAt) {
      toCome += Math.max(0, free - nowNanos);
    }
    return submittedDemand - toCome;
  }

  public int cores() {
    return freeAt.length;
  }
}
