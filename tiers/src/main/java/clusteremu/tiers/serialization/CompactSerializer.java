package clusteremu.tiers.serialization;

import java.io.NotSerializableException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * What a hand-written serializer of small, frequent messages needs besides their fields: a
 * one-letter manifest per class, fields written with {@link CompactFields} straight into Artery's
 * buffer (a {@link ByteBufferSerializer}: no byte array per message), actor references as their
 * serialized form with the bytes kept per reference, and bad bytes from a peer refused with one
 * clear {@link NotSerializableException} naming the serializer and the manifest. Subclasses say
 * which classes they take and how their fields go.
 */
public abstract class CompactSerializer extends SerializerWithStringManifest implements ByteBufferSerializer {
  /** References kept by {@link #ref} at most; beyond it the cache starts again. */
  private static final int MAX_CACHED_REFS = 1024;

  /** Upper bound of one message: a few numbers, one byte and three byte strings of the maximum. */
  private static final int MAX_MESSAGE = 128 + 3 * CompactFields.MAX_BYTES;

  private final ExtendedActorSystem system;
  /** Set on first use: serializers are made while the system starts, before its typed view. */
  private volatile ActorRefResolver resolver;
  private final Map<ActorRef<?>, byte[]> refBytes = new ConcurrentHashMap<>();
  private final ThreadLocal<ByteBuffer> scratch = ThreadLocal.withInitial(() -> ByteBuffer.allocate(MAX_MESSAGE));

  protected CompactSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  /** Writes the fields of {@code message}, one of this serializer's classes. */
  protected abstract void write(Object message, ByteBuffer buf);

  /** Reads a message of {@code manifest}; an unknown manifest is a {@link NotSerializableException} naming the known ones. */
  protected abstract Object read(ByteBuffer buf, String manifest) throws NotSerializableException;

  /** A message for a class this serializer does not take. */
  protected final IllegalArgumentException cannotSerialize(Object message) {
    return new IllegalArgumentException(getClass().getSimpleName() + " cannot serialize " + message.getClass().getName());
  }

  /** A manifest this serializer does not know, naming those it does. */
  protected final NotSerializableException unknownManifest(String manifest, String known) {
    return new NotSerializableException(
        getClass().getSimpleName() + ": unknown manifest '" + manifest + "' (known: " + known + "); does the sender run another version of clusteremu?");
  }

  @Override
  public final byte[] toBinary(Object o) {
    ByteBuffer buf = scratch.get();
    buf.clear();
    toBinary(o, buf);
    return Arrays.copyOf(buf.array(), buf.position());
  }

  @Override
  public final void toBinary(Object o, ByteBuffer buf) {
    write(o, buf);
  }

  @Override
  public final Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    return fromBinary(ByteBuffer.wrap(bytes), manifest);
  }

  @Override
  public final Object fromBinary(ByteBuffer buf, String manifest) throws NotSerializableException {
    try {
      Object message = read(buf, manifest);
      if (buf.hasRemaining()) {
        throw new CompactFields.Malformed(buf.remaining() + " bytes left over");
      }
      return message;
    } catch (CompactFields.Malformed | BufferUnderflowException | IllegalArgumentException e) {
      String why = e instanceof BufferUnderflowException ? "the bytes end inside a field" : e.getMessage();
      NotSerializableException failure =
          new NotSerializableException(getClass().getSimpleName() + ": malformed message of manifest '" + manifest + "': " + why);
      failure.initCause(e);
      throw failure;
    }
  }

  /** The reference's serialized form in UTF-8, kept for the next message that carries it. */
  protected final byte[] ref(ActorRef<?> ref) {
    if (ref == null) {
      return null;
    }
    byte[] bytes = refBytes.get(ref);
    if (bytes == null) {
      bytes = resolver().toSerializationFormat(ref).getBytes(StandardCharsets.UTF_8);
      if (refBytes.size() >= MAX_CACHED_REFS) {
        refBytes.clear();
      }
      refBytes.put(ref, bytes);
    }
    return bytes;
  }

  /** A reference written by {@link #ref}, resolved in this system. */
  protected final <T> ActorRef<T> resolve(ByteBuffer buf) {
    byte[] bytes = CompactFields.getBytes(buf);
    return bytes == null ? null : resolver().resolveActorRef(new String(bytes, StandardCharsets.UTF_8));
  }

  private ActorRefResolver resolver() {
    ActorRefResolver r = resolver;
    if (r == null) {
      r = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = r;
    }
    return r;
  }
}
