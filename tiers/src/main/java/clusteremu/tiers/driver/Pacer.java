package clusteremu.tiers.driver;

import clusteremu.tiers.time.TimeDilation;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The open loop's clock: a thread of its own that wakes at each intended send time of an {@link
 * ArrivalSchedule} and hands it on, whatever the cluster does, so a stalled cluster cannot slow
 * the arrivals down (no coordinated omission). It stops at {@code endNanos}, or when told to, and
 * then says so once. Its times are emulated: under time dilation it waits {@code factor} times
 * longer in real time between them.
 */
final class Pacer {
  private final TimeDilation time;
  private final ArrivalSchedule schedule;
  private final long endNanos;
  private final LongConsumer due;
  private final Runnable over;
  private final Thread thread;
  private volatile boolean stopped;

  /**
   * @param due is given each intended send time, an emulated instant ({@link TimeDilation#nanoTime()}), when it comes
   * @param over runs once, after the last one
   */
  Pacer(TimeDilation time, ArrivalSchedule schedule, long endNanos, LongConsumer due, Runnable over) {
    this.time = time;
    this.schedule = schedule;
    this.endNanos = endNanos;
    this.due = due;
    this.over = over;
    this.thread = new Thread(this::pace, "driver-pacer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** No more arrivals after the one under way, if any. */
  void stop() {
    stopped = true;
  }

  private void pace() {
    for (long next = schedule.next(); next - endNanos < 0 && !stopped; next = schedule.next()) {
      long wait;
      while ((wait = next - time.nanoTime()) > 0) {
        LockSupport.parkNanos(time.realNanos(wait));
      }
      due.accept(next);
    }
    over.run();
  }
}
