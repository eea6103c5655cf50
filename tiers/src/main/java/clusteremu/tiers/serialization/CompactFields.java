package clusteremu.tiers.serialization;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The field encodings of {@link RequestPathSerializer}, on a {@link ByteBuffer}: longs and ints
 * as zig-zag var-length numbers (1 byte for small values, -1 included; 10 at most), booleans and
 * small enums as one byte, byte strings (UTF-8 text, serialized actor references) as their
 * length + 1 and the bytes, where length 0 stands for null.
 *
 * <p>The bytes come from another JVM, so every read is bounded: a var-length number longer than
 * its type, a length beyond {@link #MAX_BYTES} or beyond what the buffer holds, or an enum
 * ordinal out of range throws {@link Malformed} before anything is allocated. No allocation but
 * the byte strings' own.
 */
public final class CompactFields {
  /** The longest byte string written or read: far more than a failure reason or an actor path. */
  public static final int MAX_BYTES = 4096;

  /** Bytes that cannot be a message of this format; the serializer names the manifest. */
  public static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private CompactFields() {}

  public static void putLong(ByteBuffer buf, long value) {
    long v = (value << 1) ^ (value >> 63);
    while ((v & ~0x7FL) != 0) {
      buf.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    buf.put((byte) v);
  }

  public static long getLong(ByteBuffer buf) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = buf.get();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return (v >>> 1) ^ -(v & 1);
      }
    }
    throw new Malformed("a var-length number runs past 10 bytes");
  }

  public static void putInt(ByteBuffer buf, int value) {
    putLong(buf, value);
  }

  public static int getInt(ByteBuffer buf) {
    long v = getLong(buf);
    if (v != (int) v) {
      throw new Malformed("an int field holds " + v);
    }
    return (int) v;
  }

  public static void putBoolean(ByteBuffer buf, boolean value) {
    buf.put(value ? (byte) 1 : (byte) 0);
  }

  public static boolean getBoolean(ByteBuffer buf) {
    byte b = buf.get();
    if (b != 0 && b != 1) {
      throw new Malformed("a boolean field holds " + b);
    }
    return b == 1;
  }

  public static void putEnum(ByteBuffer buf, Enum<?> value) {
    buf.put((byte) value.ordinal());
  }

  public static <E extends Enum<E>> E getEnum(ByteBuffer buf, E[] values) {
    int ordinal = buf.get();
    if (ordinal < 0 || ordinal >= values.length) {
      throw new Malformed("no " + values[0].getDeclaringClass().getSimpleName() + " has ordinal " + ordinal);
    }
    return values[ordinal];
  }

  /** Writes {@code bytes} (null allowed) with their length; longer than {@link #MAX_BYTES} is refused. */
  public static void putBytes(ByteBuffer buf, byte[] bytes) {
    if (bytes == null) {
      putInt(buf, 0);
      return;
    }
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("a field of " + bytes.length + " bytes, more than " + MAX_BYTES);
    }
    putInt(buf, bytes.length + 1);
    buf.put(bytes);
  }

  /** Reads what {@link #putBytes} wrote, null included. */
  public static byte[] getBytes(ByteBuffer buf) {
    int length = getInt(buf) - 1;
    if (length == -1) {
      return null;
    }
    if (length < -1 || length > MAX_BYTES || length > buf.remaining()) {
      throw new Malformed("a field of " + length + " bytes, with " + buf.remaining() + " left (at most " + MAX_BYTES + ")");
    }
    byte[] bytes = new byte[length];
    buf.get(bytes);
    return bytes;
  }

  public static void putString(ByteBuffer buf, String value) {
    putBytes(buf, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  public static String getString(ByteBuffer buf) {
    byte[] bytes = getBytes(buf);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
