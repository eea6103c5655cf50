package clusteremu.tiers.protocol;

import clusteremu.tiers.CborSerializable;
import clusteremu.tiers.machine.Traffic;

/**
 * The answer a client gets for a request: either ok, or failed with a reason that names which
 * component refused or lost it (for example {@code dispatcher-queue-full}). Every request the
 * cluster accepts ends in exactly one reply, or in a timeout at the client.
 *
 * @param version the version of the request's key as its first data call saw it (after a write,
 *     the one it wrote), or -1 when it made no data call: what the driver's read-your-writes
 *     check compares
 */
public record Reply(long requestId, boolean ok, String failure, long version) implements CborSerializable, Traffic.Carried {

  @Override
  public Traffic traffic() {
    return Traffic.REPLY;
  }

  public static Reply ok(long requestId) {
    return new Reply(requestId, true, null, -1);
  }

  /** Answered ok, having seen (or written) {@code version} of its key. */
  public static Reply ok(long requestId, long version) {
    return new Reply(requestId, true, null, version);
  }

  public static Reply failed(long requestId, String reason) {
    return new Reply(requestId, false, reason, -1);
  }

  /** The same outcome for another request id: a proxy passes answers back under the client's id. */
  public Reply withRequestId(long id) {
    return new Reply(id, ok, failure, version);
  }
}
