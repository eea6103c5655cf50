package clusteremu.node.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.TestKits;
import clusteremu.node.bench.BareChainSerializer;
import clusteremu.node.bench.BareRelay;
import clusteremu.node.bench.BulkProbe;
import clusteremu.node.datacenter.emulation.LinkShares;
import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.protocol.Finished;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import clusteremu.tiers.serialization.RequestPathSerializer;
import java.io.NotSerializableException;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every message of a migration (and of the link shares and the bulk probe) that crosses JVMs
 * survives Jackson CBOR; the request path's own serializer carries references with this node's
 * remote address, and the bare chain shares its format.
 */
class MigrationSerializationTest {
  static final ActorTestKit kit = TestKits.onFreePort();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    assertEquals(JacksonCborSerializer.class, SerializationExtension.get(kit.system()).findSerializerFor(message).getClass(), message.toString());
    return kit.serializationTestKit().verifySerialization(message, false);
  }

  @Test
  void everyMigrationMessageRoundTripsThroughCbor() {
    ActorRef<Migrations.Command> source = kit.<Migrations.Command>createTestProbe().getRef();
    ActorRef<Migrations.Finished> finished = kit.<Migrations.Finished>createTestProbe().getRef();
    ActorRef<Object> guest = kit.createTestProbe().getRef();
    ActorRef<BulkProbe.Command> probe = kit.<BulkProbe.Command>createTestProbe().getRef();
    ActorRef<BulkProbe.Result> results = kit.<BulkProbe.Result>createTestProbe().getRef();
    List<Object> messages =
        List.of(
            new Migrations.Request("data-1", "h2", "postcopy", 300, 30, 1.25e9, true, true),
            new Migrations.Started("n.1", null),
            new Migrations.Started(null, "no room"),
            new Migrations.Prepared("n.1", null),
            new Migrations.Finished("n.1", null, true, guest, 1234, 3),
            new Migrations.Fault("n.1", 77),
            new Migrations.Settled("n.1", true, 5, 6_000_000, 2),
            new Migrations.PagesTaken("n.1"),
            new Migrations.Progress("n.1", "data-1", "h1", "h2", "hybrid", "postcopy", "", 1, 2, 3, 4.5, 6.5, 7.5, 8, 9, null, 1.5, 2, 3.5, 4),
            new Arrivals.Prepare("n.1", "data-1", "h1", "h2", "postcopy", source),
            new Arrivals.Pushed("n.1", 42),
            new Arrivals.Finish("n.1", null, 42, true, true, finished),
            new Arrivals.Abort("n.1"),
            new Arrivals.Lost("n.1"),
            new LinkShares.Flows("node-a", Map.of("row-a:up", 2)),
            new BulkProbe.Run("pekko://c@127.0.0.1:1", 100, 64, 4096, 8, results),
            new BulkProbe.Taken(true),
            new BulkProbe.Result(1, 2, 0));
    for (Object message : messages) {
      assertEquals(message, roundTrip(message));
    }
    // Records with arrays compare them by identity: compare the contents.
    long[] pages = {3, 9};
    int[] versions = {1, 4};
    byte[] contents = PageContents.of(pages, versions, 4096);
    Arrivals.Pages batch = (Arrivals.Pages) roundTrip(new Arrivals.Pages("n.1", pages, versions, contents, PageContents.crc(pages, versions, contents)));
    assertArrayEquals(pages, batch.pages());
    assertArrayEquals(versions, batch.versions());
    assertArrayEquals(contents, batch.contents());
    assertEquals(PageContents.crc(pages, versions, contents), batch.crc());
    assertArrayEquals(pages, ((Arrivals.Missing) roundTrip(new Arrivals.Missing("n.1", pages))).pages());
    BulkProbe.Batch bulk = (BulkProbe.Batch) roundTrip(new BulkProbe.Batch(pages, versions, contents, 7, probe));
    assertArrayEquals(contents, bulk.contents());
  }

  @Test
  void theBareChainUsesTheRequestPathsCompactFormatSoTheBenchmarkComparesLikeWithLike() {
    for (Object message :
        List.of(
            new BareRelay.Hop(1, kit.<BareRelay.Back>createTestProbe().getRef(), true),
            new BareRelay.Hop(Long.MAX_VALUE, null, false),
            new BareRelay.Hop(3, kit.<BareRelay.Back>createTestProbe().getRef(), true, true, kit.<BareRelay.Done>createTestProbe().getRef()),
            new BareRelay.Back(-2),
            new BareRelay.Done(7))) {
      assertEquals(BareChainSerializer.class, SerializationExtension.get(kit.system()).findSerializerFor(message).getClass());
      assertEquals(message, kit.serializationTestKit().verifySerialization(message, false));
    }
    NotSerializableException unknown =
        assertThrows(NotSerializableException.class, () -> new BareChainSerializer((ExtendedActorSystem) org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(kit.system())).fromBinary(new byte[0], "Q"));
    assertTrue(unknown.getMessage().contains("unknown manifest 'Q' (known: H, B, D)"), unknown.getMessage());
  }

  @Test
  void theRequestPathsOwnSerializerResolvesRemoteReferences() {
    ActorRef<Reply> client = kit.<Reply>createTestProbe().getRef();
    ActorRef<Finished> dispatcher = kit.<Finished>createTestProbe().getRef();
    AppServer.Serve serve = new AppServer.Serve(1, 2, Operation.READ, 3, client, dispatcher);
    assertEquals(RequestPathSerializer.class, SerializationExtension.get(kit.system()).findSerializerFor(serve).getClass());
    byte[] bytes = SerializationExtension.get(kit.system()).serialize(serve).get();
    String address = kit.system().address().toString();
    assertTrue(new String(bytes, java.nio.charset.StandardCharsets.UTF_8).contains(address), "a reference with the address " + address);
    assertEquals(serve, kit.serializationTestKit().verifySerialization(serve, false));
  }
}
