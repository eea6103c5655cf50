package clusteremu.node.datacenter.emulation;

import clusteremu.node.datacenter.LinkSpec;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * One direction of a link, shared fairly (processor sharing) by the messages crossing it at once:
 * with n messages on it, each moves at bandwidth / n. Kept in virtual time (bytes each message
 * has been given so far), so an arrival or departure costs O(log n), not a pass over all.
 *
 * <p>Bulk data that travels as a stream (a migration's page batches) is a <em>flow</em>: its
 * batches cross one after another, in order, and the flow takes one share of the link however
 * many of its batches wait, as a TCP stream would against other traffic. Flows that other node
 * JVMs send over the same link take their shares too ({@link #setRemoteFlows}), so that a link is
 * shared cluster-wide, not per sending node. Loop thread only.
 */
public final class SharedLink {
  /** Rounding slack: a message this close to done is done. */
  private static final double EPSILON_BYTES = 1e-3;

  private final String name;
  private final LinkSpec spec;
  private final PriorityQueue<Transfer> transfers = new PriorityQueue<>();
  /** Batches of each flow waiting behind the one of it on the link. */
  private final Map<Object, ArrayDeque<Transfer>> flows = new HashMap<>();
  private double virtualBytes;
  /** Flows other nodes have on this link now: each takes a share while anything here crosses. */
  private int remoteFlows;
  private long lastNanos;
  private final Alarm wake;
  private long sequence;

  // Totals for the metrics log (read under the loop's hand-off; see snapshot()).
  private long bytesTotal;
  private long messagesTotal;
  private long busyNanosTotal;
  private long queueingNanosTotal;

  /** Called with the instant the message finished crossing. */
  public interface Done {
    void crossed(long at);
  }

  private record Transfer(double finishVirtual, long sequence, long bytes, long started, Object flow, Done done)
      implements Comparable<Transfer> {
    @Override
    public int compareTo(Transfer other) {
      int byFinish = Double.compare(finishVirtual, other.finishVirtual);
      return byFinish != 0 ? byFinish : Long.compare(sequence, other.sequence);
    }
  }

  public SharedLink(String name, LinkSpec spec, EmulationLoop loop) {
    this.name = name;
    this.spec = spec;
    this.wake = new Alarm(loop, this::complete);
  }

  public String name() {
    return name;
  }

  public LinkSpec spec() {
    return spec;
  }

  /** Starts {@code bytes} across the link at {@code now}; {@code done} hears when they are over. */
  public void send(long now, long bytes, Done done) {
    send(now, bytes, null, done);
  }

  /**
   * Starts {@code bytes} of flow {@code flow} (null: a message of its own) across the link at
   * {@code now}, behind what the flow already has on it; {@code done} hears when they are over.
   */
  public void send(long now, long bytes, Object flow, Done done) {
    now = Math.max(now, lastNanos);
    advance(now);
    bytesTotal += bytes;
    messagesTotal++;
    if (flow != null) {
      ArrayDeque<Transfer> queued = flows.get(flow);
      if (queued != null) {
        queued.add(new Transfer(0, sequence++, bytes, now, flow, done));
        return;
      }
      flows.put(flow, new ArrayDeque<>());
    }
    transfers.add(new Transfer(virtualBytes + bytes, sequence++, bytes, now, flow, done));
    reschedule();
  }

  /** Flows of this node on the link right now (what other nodes are told). */
  public int flows() {
    return flows.size();
  }

  /** From {@code now}, {@code flows} flows of other nodes share the link with what crosses it here. */
  public void setRemoteFlows(long now, int flows) {
    if (flows == remoteFlows) {
      return;
    }
    now = Math.max(now, lastNanos);
    advance(now);
    remoteFlows = flows;
    reschedule();
  }

  /** Shares the link is divided into now: what crosses here and the other nodes' flows. */
  private int shares() {
    return transfers.size() + remoteFlows;
  }

  private void advance(long now) {
    long elapsed = now - lastNanos;
    if (elapsed > 0 && !transfers.isEmpty()) {
      virtualBytes += elapsed * spec.bytesPerSecond() / 1e9 / shares();
      busyNanosTotal += elapsed;
    }
    lastNanos = Math.max(lastNanos, now);
  }

  private void reschedule() {
    Transfer first = transfers.peek();
    if (first == null) {
      return;
    }
    double remaining = Math.max(0, first.finishVirtual - virtualBytes);
    wake.at(lastNanos + (long) Math.ceil(remaining * shares() * 1e9 / spec.bytesPerSecond()));
  }

  private void complete(long at) {
    advance(at);
    Transfer first;
    while ((first = transfers.peek()) != null && first.finishVirtual <= virtualBytes + EPSILON_BYTES) {
      transfers.poll();
      queueingNanosTotal += Math.max(0, (at - first.started) - spec.transferNanos(first.bytes));
      if (first.flow != null) {
        Transfer next = flows.get(first.flow).poll();
        if (next == null) {
          flows.remove(first.flow);
        } else {
          transfers.add(new Transfer(virtualBytes + next.bytes, next.sequence, next.bytes, next.started, next.flow, next.done));
        }
      }
      first.done.crossed(at);
    }
    reschedule();
  }

  /** Totals so far: bytes, messages, nanoseconds with something on the link, queueing delay. */
  public LinkTotals totals() {
    return new LinkTotals(bytesTotal, messagesTotal, busyNanosTotal, queueingNanosTotal);
  }

  public record LinkTotals(long bytes, long messages, long busyNanos, long queueingNanos) {}
}
