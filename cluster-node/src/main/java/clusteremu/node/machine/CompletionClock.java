package clusteremu.node.machine;

import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers the completions of emulated work at their due times, from one thread per node.
 * Pekko's scheduler ticks every 10 ms, far too coarse for millisecond demands; a {@link
 * DelayQueue} parks with nanosecond deadlines and is late by tens of microseconds on Linux.
 *
 * <p>Deliveries are ordered by their absolute due time, then by submission: completions keep the
 * order the model gave them however late the submitting thread was. (Turning a due time into a
 * relative delay would not: a thread preempted between reading the clock and scheduling would
 * push its job behind later ones.)
 */
public final class CompletionClock implements AutoCloseable {

  private record Due(long dueNanos, long sequence, Runnable delivery) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Due that = (Due) other;
      int byTime = Long.compare(dueNanos - that.dueNanos, 0);
      return byTime != 0 ? byTime : Long.compare(sequence, that.sequence);
    }
  }

  private final DelayQueue<Due> queue = new DelayQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  public CompletionClock() {
    thread = new Thread(this::deliver, "emulated-cpu-clock");
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code delivery} at {@code dueNanos} ({@link System#nanoTime()} terms), or at once if that has passed. */
  public void at(long dueNanos, Runnable delivery) {
    queue.add(new Due(dueNanos, sequence.getAndIncrement(), delivery));
  }

  private void deliver() {
    while (!closed) {
      try {
        queue.take().delivery().run();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // a delivery is a tell; should one ever throw, the clock must still serve the others
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
