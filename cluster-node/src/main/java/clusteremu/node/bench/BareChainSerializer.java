package clusteremu.node.bench;

import static clusteremu.tiers.serialization.CompactFields.getBoolean;
import static clusteremu.tiers.serialization.CompactFields.getLong;
import static clusteremu.tiers.serialization.CompactFields.putBoolean;
import static clusteremu.tiers.serialization.CompactFields.putBytes;
import static clusteremu.tiers.serialization.CompactFields.putLong;

import clusteremu.tiers.serialization.CompactSerializer;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * The bare chain's messages ({@link BareRelay.Hop}, {@link BareRelay.Back}, {@link BareRelay.Done}) in the same
 * compact format as the request path's ({@link clusteremu.tiers.serialization.RequestPathSerializer}):
 * {@code scripts/bench} divides the tiers' rate by the bare chain's to weigh what the emulator adds
 * to plain Pekko messaging, so both must pay for serialization alike. Were the chain left on
 * Jackson CBOR, the ratio would weigh the serializers instead.
 */
public final class BareChainSerializer extends CompactSerializer {
  public static final int IDENTIFIER = 1208;

  static final String HOP = "H";
  static final String BACK = "B";
  static final String DONE = "D";

  public BareChainSerializer(ExtendedActorSystem system) {
    super(system);
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof BareRelay.Hop) {
      return HOP;
    } else if (o instanceof BareRelay.Back) {
      return BACK;
    } else if (o instanceof BareRelay.Done) {
      return DONE;
    }
    throw cannotSerialize(o);
  }

  @Override
  protected void write(Object o, ByteBuffer buf) {
    if (o instanceof BareRelay.Hop m) {
      putLong(buf, m.id());
      putBytes(buf, ref(m.replyTo()));
      putBoolean(buf, m.direct());
      putBoolean(buf, m.notice());
      putBytes(buf, ref(m.doneTo()));
    } else if (o instanceof BareRelay.Back m) {
      putLong(buf, m.id());
    } else if (o instanceof BareRelay.Done m) {
      putLong(buf, m.id());
    } else {
      throw cannotSerialize(o);
    }
  }

  @Override
  protected Object read(ByteBuffer buf, String manifest) throws NotSerializableException {
    return switch (manifest) {
      case HOP -> new BareRelay.Hop(getLong(buf), resolve(buf), getBoolean(buf), getBoolean(buf), resolve(buf));
      case BACK -> new BareRelay.Back(getLong(buf));
      case DONE -> new BareRelay.Done(getLong(buf));
      default -> throw unknownManifest(manifest, "H, B, D");
    };
  }
}
