package clusteremu.tiers.machine;

import clusteremu.tiers.CborSerializable;

/**
 * A guest whose state moves with its VM (strong mobility): when the VM pauses, its machine asks
 * the guest, on the guest's own actor thread, for everything it holds, and the guest started at
 * the destination begins from that. Messages that reach the old place afterwards (CPU work that
 * finishes there, answers to its reply inboxes) are forwarded, so the state must say what they
 * will find: in-flight work is part of it.
 */
public interface Mobile<S extends CborSerializable> {
  /** Everything the guest holds now. Called on the guest's actor thread. */
  S capture();
}
