package clusteremu.tiers.serialization;

import static clusteremu.tiers.serialization.CompactFields.getBoolean;
import static clusteremu.tiers.serialization.CompactFields.getEnum;
import static clusteremu.tiers.serialization.CompactFields.getInt;
import static clusteremu.tiers.serialization.CompactFields.getLong;
import static clusteremu.tiers.serialization.CompactFields.getString;
import static clusteremu.tiers.serialization.CompactFields.putBoolean;
import static clusteremu.tiers.serialization.CompactFields.putBytes;
import static clusteremu.tiers.serialization.CompactFields.putEnum;
import static clusteremu.tiers.serialization.CompactFields.putInt;
import static clusteremu.tiers.serialization.CompactFields.putLong;
import static clusteremu.tiers.serialization.CompactFields.putString;

import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.dataserver.DataServer;
import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.protocol.Finished;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Pekko serializer for the six messages every request sends across JVMs: {@link
 * Dispatcher.Submit}, {@link AppServer.Serve}, {@link DataServer.Access}, {@link
 * DataServer.Answer}, {@link Reply} and {@link Finished}. They travel as they are (no envelope of
 * the datacenter's wraps them: the emulated network delays a message, then tells it to the
 * guest's reference), and under Jackson CBOR each carried its field names and cost a Jackson
 * tree walk per hop, which Java Flight Recorder showed as most of a node JVM's CPU after Artery.
 *
 * <p>Format: a one-letter manifest per class, then the fields in declaration order as {@link
 * CompactFields} writes them; an actor reference as its {@link
 * ActorRefResolver#toSerializationFormat} in UTF-8 (null allowed), whose bytes are kept per
 * reference (a request path has a handful of them: the client's and the tiers' adapters), so a
 * message costs no string building. As a {@link ByteBufferSerializer}, Artery writes and reads it
 * in its own buffer without a byte array per message. Every other message stays with Jackson:
 * these classes are bound by name in {@code reference.conf}, which Pekko prefers to the {@code
 * CborSerializable} interface binding (the most specific binding wins).
 */
public final class RequestPathSerializer extends CompactSerializer {
  /** Not among Pekko's reserved 0–40, nor any other serializer's here (Jackson: 31, 33). */
  public static final int IDENTIFIER = 1207;

  static final String SUBMIT = "S";
  static final String SERVE = "V";
  static final String ACCESS = "A";
  static final String ANSWER = "N";
  static final String REPLY = "R";
  static final String FINISHED = "F";

  private static final Operation[] OPERATIONS = Operation.values();

  public RequestPathSerializer(ExtendedActorSystem system) {
    super(system);
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof Dispatcher.Submit) {
      return SUBMIT;
    } else if (o instanceof AppServer.Serve) {
      return SERVE;
    } else if (o instanceof DataServer.Access) {
      return ACCESS;
    } else if (o instanceof DataServer.Answer) {
      return ANSWER;
    } else if (o instanceof Reply) {
      return REPLY;
    } else if (o instanceof Finished) {
      return FINISHED;
    }
    throw cannotSerialize(o);
  }

  @Override
  protected void write(Object o, ByteBuffer buf) {
    if (o instanceof Dispatcher.Submit m) {
      putLong(buf, m.requestId());
      putEnum(buf, m.operation());
      putLong(buf, m.key());
      putBytes(buf, ref(m.client()));
    } else if (o instanceof AppServer.Serve m) {
      putLong(buf, m.ticket());
      putLong(buf, m.requestId());
      putEnum(buf, m.operation());
      putLong(buf, m.key());
      putBytes(buf, ref(m.replyTo()));
      putBytes(buf, ref(m.finishedTo()));
    } else if (o instanceof DataServer.Access m) {
      putLong(buf, m.job());
      putInt(buf, m.call());
      putEnum(buf, m.operation());
      putLong(buf, m.key());
      putBytes(buf, ref(m.replyTo()));
    } else if (o instanceof DataServer.Answer m) {
      putLong(buf, m.job());
      putInt(buf, m.call());
      putBoolean(buf, m.ok());
      putLong(buf, m.version());
      putString(buf, m.failure());
    } else if (o instanceof Reply m) {
      putLong(buf, m.requestId());
      putBoolean(buf, m.ok());
      putString(buf, m.failure());
      putLong(buf, m.version());
    } else if (o instanceof Finished m) {
      putLong(buf, m.ticket());
      putBoolean(buf, m.ok());
    } else {
      throw cannotSerialize(o);
    }
  }

  @Override
  protected Object read(ByteBuffer buf, String manifest) throws NotSerializableException {
    switch (manifest) {
      case SUBMIT:
        return new Dispatcher.Submit(getLong(buf), getEnum(buf, OPERATIONS), getLong(buf), resolve(buf));
      case SERVE:
        return new AppServer.Serve(getLong(buf), getLong(buf), getEnum(buf, OPERATIONS), getLong(buf), resolve(buf), resolve(buf));
      case ACCESS:
        return new DataServer.Access(getLong(buf), getInt(buf), getEnum(buf, OPERATIONS), getLong(buf), resolve(buf));
      case ANSWER:
        return new DataServer.Answer(getLong(buf), getInt(buf), getBoolean(buf), getLong(buf), getString(buf));
      case REPLY:
        return new Reply(getLong(buf), getBoolean(buf), getString(buf), getLong(buf));
      case FINISHED:
        return new Finished(getLong(buf), getBoolean(buf));
      default:
        throw unknownManifest(manifest, "S, V, A, N, R, F");
    }
  }
}
