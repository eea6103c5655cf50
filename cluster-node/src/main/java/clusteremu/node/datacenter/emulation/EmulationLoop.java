package clusteremu.node.datacenter.emulation;

import clusteremu.tiers.time.TimeDilation;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The one thread that owns a node's emulated hosts and links: it runs work handed to it from any
 * thread ({@link #execute}) and timed events it scheduled itself ({@link #at}), at their emulated instants.
 * Owning every host and link on one thread keeps processor sharing exact without locks; the
 * state changes on every job, so a message per change to host actors would cost more than the
 * work itself.
 *
 * <p>Events are due at absolute emulated instants ({@link #now()}) and run in due order; when the
 * thread wakes late it runs them late, but each carries the instant it was due, so lateness is
 * not added up along a chain (a message crossing several links). Under time dilation the loop
 * waits {@code factor} times longer in real time for each emulated span; every model on it works
 * in emulated time only.
 */
public final class EmulationLoop implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EmulationLoop.class);
  private volatile long failures;
  /**
   * Longest single park. Measured here (a small VM): a 5 ms park wakes a median 0.15 ms but at
   * the 90th percentile 1 ms late, a 1 ms park 0.08 ms (p90 0.13 ms); so long waits are taken
   * in slices of 1 ms, which costs an idle-but-waiting loop a thousand wake-ups a second.
   */
  private static final long SLICE_NANOS = 1_000_000;
  /** How late a short park wakes: the last stretch is parked this much short, then spun. */
  private static final long PARK_LATENESS_NANOS = 80_000;

  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timed> timers = new PriorityQueue<>();
  private final Thread thread;
  private final TimeDilation time;
  private volatile boolean running = true;
  private long sequence;
  /** How late timed events ran, in microseconds, since the metrics log last asked. */
  private final Histogram lateness = new Histogram(3);

  /** An event due at {@code due}; {@code action} is told the instant it was due. */
  public interface Action {
    void run(long due);
  }

  private record Timed(long due, long sequence, Action action) implements Comparable<Timed> {
    @Override
    public int compareTo(Timed other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
    }
  }

  /** A loop in real time. */
  public EmulationLoop(String name) {
    this(name, TimeDilation.NONE);
  }

  public EmulationLoop(String name, TimeDilation time) {
    this.time = time;
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code work} on the loop thread, soon. Safe from any thread. */
  public void execute(Runnable work) {
    inbox.add(work);
    LockSupport.unpark(thread);
  }

  /** The emulated instant now, in nanoseconds. Safe from any thread. */
  public long now() {
    return time.nanoTime();
  }

  /** The loop's emulated time. */
  public TimeDilation time() {
    return time;
  }

  /** Runs {@code action} at emulated instant {@code dueNanos} ({@link #now()}). Loop thread only. */
  public void at(long dueNanos, Action action) {
    timers.add(new Timed(dueNanos, sequence++, action));
  }

  /**
   * How late the timed events ran since the last call (emulated microseconds; a copy). Every emulated
   * delay is this much longer than the model says. Loop thread only.
   */
  public Histogram latenessSinceLast() {
    Histogram copy = lateness.copy();
    lateness.reset();
    return copy;
  }

  private void loop() {
    while (running) {
      Runnable work;
      while ((work = inbox.poll()) != null) {
        runSafely(work);
      }
      long now = time.nanoTime();
      Timed next;
      while ((next = timers.peek()) != null && next.due - now <= 0) {
        timers.poll();
        lateness.recordValue(Math.max(0, (now - next.due) / 1000));
        runSafely(next);
        while ((work = inbox.poll()) != null) {
          runSafely(work);
        }
        now = time.nanoTime();
      }
      if (!inbox.isEmpty()) {
        continue;
      }
      long wait = next == null ? Long.MAX_VALUE : time.realNanos(next.due - now);
      if (next == null) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
      } else if (wait > SLICE_NANOS + PARK_LATENESS_NANOS) {
        LockSupport.parkNanos(this, SLICE_NANOS);
      } else if (wait > PARK_LATENESS_NANOS) {
        LockSupport.parkNanos(this, wait - PARK_LATENESS_NANOS);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /**
   * Runs one piece of work; one that throws is logged and the loop goes on, for a loop thread that
   * died would silently stop every host, link and migration of the node.
   */
  private void runSafely(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException | AssertionError e) {
      failed(e);
    }
  }

  /** As {@link #runSafely(Runnable)} for a timed event, told the instant it was due (no closure per event). */
  private void runSafely(Timed event) {
    try {
      event.action.run(event.due);
    } catch (RuntimeException | AssertionError e) {
      failed(e);
    }
  }

  private void failed(Throwable e) {
    failures++;
    log.error("emulation loop: a piece of work failed; the loop goes on", e);
  }

  /** Pieces of work that threw (each logged). */
  public long failures() {
    return failures;
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
