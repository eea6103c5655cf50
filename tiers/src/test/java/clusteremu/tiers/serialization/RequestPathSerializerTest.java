package clusteremu.tiers.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.dataserver.DataServer;
import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The request path's serializer beyond the round trips of {@code SerializationTest}: Artery's
 * buffer path, and bytes from a peer that are not a message of its format, which must fail at
 * once with the manifest named, never loop or allocate what a length field claims.
 */
class RequestPathSerializerTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static RequestPathSerializer serializer() {
    Serializer s = SerializationExtension.get(kit.system()).serializerByIdentity().apply(RequestPathSerializer.IDENTIFIER);
    return (RequestPathSerializer) s;
  }

  private static String failure(byte[] bytes, String manifest) {
    return assertThrows(NotSerializableException.class, () -> serializer().fromBinary(bytes, manifest)).getMessage();
  }

  @Test
  void writesAndReadsInADirectBufferAsArteryDoes() throws NotSerializableException {
    ActorRef<Reply> client = kit.<Reply>createTestProbe().getRef();
    AppServer.Serve serve = new AppServer.Serve(4, 5, Operation.WRITE, 6, client, null);
    ByteBuffer buf = ByteBuffer.allocateDirect(1024);
    buf.put((byte) 99); // Artery's header comes before the message
    serializer().toBinary(serve, buf);
    buf.flip().get();
    assertEquals(serve, serializer().fromBinary(buf, serializer().manifest(serve)));
  }

  @Test
  void isSmallerThanJacksonCbor() {
    ActorRef<Reply> client = kit.<Reply>createTestProbe().getRef();
    Dispatcher.Submit submit = new Dispatcher.Submit(123_456, Operation.READ, 42, client);
    Serialization serialization = SerializationExtension.get(kit.system());
    Serializer jackson = serialization.serializerByIdentity().apply(33);
    int cbor = org.apache.pekko.serialization.Serialization$.MODULE$.withTransportInformation(serialization.system(), () -> jackson.toBinary(submit)).length;
    int own = serializer().toBinary(submit).length;
    assertTrue(own < cbor, own + " bytes against CBOR's " + cbor);
  }

  @Test
  void anUnknownManifestIsNamed() {
    String message = failure(new byte[] {1}, "Q");
    assertTrue(message.contains("unknown manifest 'Q'"), message);
  }

  @Test
  void bytesThatEndInsideAFieldAreRefused() {
    byte[] whole = serializer().toBinary(new DataServer.Answer(7, 1, false, 9, "data-timeout"));
    for (int length = 0; length < whole.length; length++) {
      String message = failure(Arrays.copyOf(whole, length), RequestPathSerializer.ANSWER);
      assertTrue(message.contains("manifest 'N'"), message);
    }
  }

  @Test
  void aLengthBeyondTheBoundIsRefusedBeforeAllocating() {
    // requestId 1, ok false, then a failure string claiming 2^31 - 2 bytes.
    byte[] bytes = {2, 0, (byte) 0xFC, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    String message = failure(bytes, RequestPathSerializer.REPLY);
    assertTrue(message.contains("bytes"), message);
  }

  @Test
  void aNumberThatNeverEndsIsRefused() {
    byte[] bytes = new byte[64];
    Arrays.fill(bytes, (byte) 0xFF);
    String message = failure(bytes, RequestPathSerializer.FINISHED);
    assertTrue(message.contains("past 10 bytes"), message);
  }

  @Test
  void anUnknownOperationIsRefused() {
    // requestId 1, operation ordinal 7.
    String message = failure(new byte[] {2, 7, 0, 0}, RequestPathSerializer.SUBMIT);
    assertTrue(message.contains("no Operation has ordinal 7"), message);
  }

  @Test
  void aBooleanOtherThanZeroOrOneIsRefused() {
    String message = failure(new byte[] {2, 5}, RequestPathSerializer.FINISHED);
    assertTrue(message.contains("boolean"), message);
  }

  @Test
  void bytesLeftOverAreRefused() {
    byte[] whole = serializer().toBinary(Reply.ok(1));
    byte[] longer = Arrays.copyOf(whole, whole.length + 1);
    String message = failure(longer, RequestPathSerializer.REPLY);
    assertTrue(message.contains("left over"), message);
  }
}
