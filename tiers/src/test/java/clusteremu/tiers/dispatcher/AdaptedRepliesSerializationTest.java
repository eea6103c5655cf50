package clusteremu.tiers.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.tiers.protocol.Finished;
import clusteremu.tiers.protocol.Reply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What an app server answers reaches the dispatcher through its adapters, wrapped. When the
 * dispatcher's VM has moved, its old place forwards the wrapped message to the new one, across
 * JVMs: so the wrappers travel as Jackson CBOR too.
 */
class AdaptedRepliesSerializationTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void theDispatchersWrappedAnswersSurviveCbor() {
    var serialization = SerializationExtension.get(kit.system().classicSystem());
    for (Object message : new Object[] {new Dispatcher.FinishedByAppServer(new Finished(7, true)), new Dispatcher.ReplyFromAppServer(Reply.failed(8, "data-timeout"))}) {
      assertEquals(JacksonCborSerializer.class, serialization.findSerializerFor(message).getClass(), message.toString());
      assertEquals(message, kit.serializationTestKit().verifySerialization(message, false));
    }
  }
}
