package clusteremu.tiers;

/**
 * Marker for every message that may cross JVMs. It is bound to Pekko's {@code jackson-cbor}
 * serializer in {@code reference.conf}; Java serialization stays off, so a message that lacks
 * this marker fails loudly at the sender instead of travelling in an unsafe format.
 */
public interface CborSerializable {}
