package clusteremu.tiers.metrics;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a tier component has done so far, read once a second by the node's metrics log from
 * another thread. The component's actor is the only writer; the atomics make the reads safe
 * and cost a few nanoseconds per request.
 *
 * <p>Every request a component receives ends as exactly one of completed (answered ok),
 * failed (answered with a failure, its own or one from further down) or rejected (refused at
 * admission by this component), so {@code received == completed + failed + rejected + inFlight}.
 */
public final class ComponentCounters {
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  /** Requests sent again after their first try failed (the dispatcher's retries); each still ends once. */
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong callsAnswered = new AtomicLong();
  private final AtomicLong callNanos = new AtomicLong();
  /**
   * Round trips of the calls, in microseconds, for their percentiles: a mean is pulled far by
   * one call that met a garbage collection, a median is not. Recording is wait-free.
   */
  private final Recorder callMicros = new Recorder(3);

  /** A call to the next tier was answered {@code nanos} after it was sent (network included). */
  public void callAnswered(long nanos) {
    callNanos.addAndGet(nanos);
    callsAnswered.incrementAndGet();
    callMicros.recordValue(Math.max(0, nanos / 1000));
  }

  /**
   * The round trips recorded since the last call of this method (in microseconds). For one
   * reader: the metrics log, once an interval.
   */
  public Histogram callRoundTripsSinceLast() {
    return callMicros.getIntervalHistogram();
  }

  /** Calls to the next tier answered so far. */
  public long callsAnsweredCount() {
    return callsAnswered.get();
  }

  /** Their round-trip times, summed, in nanoseconds. */
  public long callNanosTotal() {
    return callNanos.get();
  }

  /** The cumulative counts, as they move with a guest to another VM. */
  public record Snapshot(long received, long completed, long failed, long rejected, long inFlight, long callsAnswered, long callNanos, long retried)
      implements clusteremu.tiers.CborSerializable {}

  public Snapshot snapshot() {
    return new Snapshot(received.get(), completed.get(), failed.get(), rejected.get(), inFlight.get(), callsAnswered.get(), callNanos.get(), retried.get());
  }

  /** Continues from {@code from} (a guest that moved here); null leaves the counts at zero. */
  public void restore(Snapshot from) {
    if (from == null) {
      return;
    }
    received.set(from.received());
    completed.set(from.completed());
    failed.set(from.failed());
    rejected.set(from.rejected());
    inFlight.set(from.inFlight());
    callsAnswered.set(from.callsAnswered());
    callNanos.set(from.callNanos());
    retried.set(from.retried());
  }

  public void received() {
    received.incrementAndGet();
    inFlight.incrementAndGet();
  }

  public void completed() {
    completed.incrementAndGet();
    inFlight.decrementAndGet();
  }

  public void failed() {
    failed.incrementAndGet();
    inFlight.decrementAndGet();
  }

  public void rejected() {
    rejected.incrementAndGet();
    inFlight.decrementAndGet();
  }

  /** A request is tried again; it stays in flight. */
  public void retried() {
    retried.incrementAndGet();
  }

  public long retriedCount() {
    return retried.get();
  }

  public long receivedCount() {
    return received.get();
  }

  public long completedCount() {
    return completed.get();
  }

  public long failedCount() {
    return failed.get();
  }

  public long rejectedCount() {
    return rejected.get();
  }

  public long inFlightCount() {
    return inFlight.get();
  }
}
