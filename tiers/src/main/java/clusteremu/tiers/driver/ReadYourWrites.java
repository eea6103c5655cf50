package clusteremu.tiers.driver;

import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import java.util.HashMap;
import java.util.Map;

/**
 * The driver's read-your-writes check: it remembers, per key, the newest version a write of its
 * own was acknowledged with, and counts a read as stale when it returns an older version than
 * the newest acknowledged before the read was sent. A data server that moves with its data
 * (strong mobility) gives none; one restarted empty (weak mobility) shows the loss.
 *
 * <p>Cost: a map entry per key written and per request in flight. Driver actor only.
 */
final class ReadYourWrites {
  private record Sent(Operation operation, long key, long atLeast) {}

  private final Map<Long, Long> acknowledged = new HashMap<>();
  private final Map<Long, Sent> inFlight = new HashMap<>();
  private long staleReads;

  void sent(long requestId, Operation operation, long key) {
    inFlight.put(requestId, new Sent(operation, key, acknowledged.getOrDefault(key, 0L)));
  }

  void answered(Reply reply) {
    Sent sent = inFlight.remove(reply.requestId());
    if (sent == null || !reply.ok() || reply.version() < 0) {
      return;
    }
    if (sent.operation() == Operation.WRITE) {
      acknowledged.merge(sent.key(), reply.version(), Math::max);
    } else if (reply.version() < sent.atLeast()) {
      staleReads++;
    }
  }

  long staleReads() {
    return staleReads;
  }
}
