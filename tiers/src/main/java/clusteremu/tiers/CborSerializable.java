package clusteremu.tiers;

/**
 * Marker for every message that may cross JVMs. It is bound to Pekko's {@code jackson-cbor}
 * serializer in {@code reference.conf}; Java serialization stays off, so a message that lacks
 * this marker fails loudly at the sender instead of travelling in an unsafe format. The six
 * messages every request sends are bound by class name to their own, cheaper serializer
 * ({@code clusteremu.tiers.serialization.RequestPathSerializer}); they keep the marker, so that
 * without that binding they would still travel in CBOR.
 */
public interface CborSerializable {}
