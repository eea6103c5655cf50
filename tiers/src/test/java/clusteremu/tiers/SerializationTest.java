package clusteremu.tiers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.dataserver.DataServer;
import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.protocol.Finished;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import clusteremu.tiers.serialization.RequestPathSerializer;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that crosses JVMs survives the serializer it is bound to, and really uses it (not
 * Java serialization): Jackson CBOR, but for the six of the request path, which have their own.
 */
class SerializationTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void everyRemoteMessageOffTheRequestPathRoundTripsThroughCbor() {
    ActorRef<Reply> client = kit.<Reply>createTestProbe().getRef();
    ActorRef<Finished> dispatcher = kit.<Finished>createTestProbe().getRef();
    ActorRef<Dispatcher.Reconfigured> acks = kit.<Dispatcher.Reconfigured>createTestProbe().getRef();
    List<Object> messages =
        List.of(
            new Dispatcher.Reconfigure(Mode.HANDOFF, PolicyName.POWER_OF_TWO, acks),
            new Dispatcher.Reconfigure(null, null, acks),
            new Dispatcher.Reconfigured(Mode.PROXY, PolicyName.LEAST_OUTSTANDING, 2),
            new AppServer.State(
                List.of(new AppServer.JobState(1, new AppServer.Serve(4, 5, Operation.WRITE, 6, client, dispatcher), true, 1, 2, "data-1", 1_000, 9_000)),
                List.of(2L), List.of(), 1, 1, 3, List.of("data-1"), new ComponentCounters().snapshot()),
            new Dispatcher.State(
                List.of(new Dispatcher.HeldState(1, 2, Operation.READ, 3, client, "app-1", Mode.PROXY, 7, 1, "app-2"), new Dispatcher.HeldState(4, 5, Operation.WRITE, 6, client, null, null, 0, 0, null)),
                List.of(new Dispatcher.BackendState("app-1", 1)), Mode.HANDOFF, PolicyName.ROUND_ROBIN, 7, new ComponentCounters().snapshot()));
    Serialization serialization = SerializationExtension.get(kit.system());
    for (Object message : messages) {
      assertEquals(JacksonCborSerializer.class, serialization.findSerializerFor(message).getClass(), message.toString());
      assertEquals(message, kit.serializationTestKit().verifySerialization(message, false));
    }
    // A data server's state holds arrays, which records compare by identity: compare the contents.
    DataServer.State data = new DataServer.State(new long[] {1, 2}, new long[] {3, 4}, 1, List.of(), new ComponentCounters.Snapshot(1, 2, 3, 4, 5, 6, 7, 8));
    DataServer.State back = (DataServer.State) kit.serializationTestKit().verifySerialization(data, false);
    assertEquals(List.of(1L, 2L), java.util.Arrays.stream(back.keys()).boxed().toList());
    assertEquals(List.of(3L, 4L), java.util.Arrays.stream(back.versions()).boxed().toList());
    assertEquals(data.counters(), back.counters());
  }

  @Test
  void everyRequestPathMessageRoundTripsThroughItsOwnSerializer() {
    ActorRef<Reply> client = kit.<Reply>createTestProbe().getRef();
    ActorRef<Finished> dispatcher = kit.<Finished>createTestProbe().getRef();
    ActorRef<DataServer.Answer> answers = kit.<DataServer.Answer>createTestProbe().getRef();
    List<Object> messages = new java.util.ArrayList<>();
    for (Operation operation : Operation.values()) {
      messages.add(new Dispatcher.Submit(1, operation, 42, client));
      messages.add(new Dispatcher.Submit(Long.MAX_VALUE, operation, Long.MIN_VALUE, null));
      messages.add(new AppServer.Serve(4, 5, operation, 6, client, dispatcher));
      messages.add(new AppServer.Serve(Long.MIN_VALUE, -1, operation, Long.MAX_VALUE, client, null));
      messages.add(new DataServer.Access(7, 1, operation, 8, answers));
      messages.add(new DataServer.Access(-7, Integer.MIN_VALUE, operation, 1L << 40, answers));
    }
    messages.addAll(
        List.of(
            new DataServer.Answer(7, 1, true, 9, null),
            new DataServer.Answer(7, Integer.MAX_VALUE, false, -1, "data-server-queue-full"),
            new DataServer.Answer(Long.MAX_VALUE, 0, false, Long.MIN_VALUE, ""),
            Reply.ok(10),
            Reply.ok(10, 3),
            Reply.failed(11, "dispatcher-queue-full"),
            new Reply(Long.MIN_VALUE, false, "ünïcödé ✓", Long.MAX_VALUE),
            new Finished(3, false),
            new Finished(Long.MAX_VALUE, true),
            new Finished(-3, false)));
    Serialization serialization = SerializationExtension.get(kit.system());
    for (Object message : messages) {
      assertEquals(RequestPathSerializer.class, serialization.findSerializerFor(message).getClass(), message.toString());
      assertEquals(message, kit.serializationTestKit().verifySerialization(message, false));
    }
  }
}
