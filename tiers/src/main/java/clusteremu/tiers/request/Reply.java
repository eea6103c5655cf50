package clusteremu.tiers.request;

import clusteremu.tiers.CborSerializable;
import clusteremu.tiers.machine.Traffic;

/**
 * The answer a client gets for a request: either ok, or failed with a reason that names which
 * component refused or lost it (for example {@code dispatcher-queue-full}). Every request the
 * cluster accepts ends in exactly one reply, or in a timeout at the client.
 */
public record Reply(long requestId, boolean ok, String failure) implements CborSerializable, Traffic.Carried {

  @Override
  public Traffic traffic() {
    return Traffic.REPLY;
  }

  public static Reply ok(long requestId) {
    return new Reply(requestId, true, null);
  }

  public static Reply failed(long requestId, String reason) {
    return new Reply(requestId, false, reason);
  }

  /** The same outcome for another request id: a proxy passes answers back under the client's id. */
  public Reply withRequestId(long id) {
    return new Reply(id, ok, failure);
  }
}
