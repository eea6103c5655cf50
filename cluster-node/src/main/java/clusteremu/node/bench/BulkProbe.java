package clusteremu.node.bench;

import clusteremu.node.migration.PageContents;
import clusteremu.tiers.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The migration benchmark's baseline: plain Pekko bulk messages from one node JVM to another,
 * shaped as a migration's page batches with real contents (page numbers, versions, 4 KiB of
 * bytes a page made the same way, a CRC-32C the receiver checks) and with as many bytes in
 * flight, acknowledged one by one, over the same large-message lane; no emulated network, no
 * emulation loop. At {@code /user/bulk-probe} on every node when {@code clusteremu.bench.bulk-probe
 * = on}.
 */
public final class BulkProbe extends AbstractBehavior<BulkProbe.Command> {
  public static final String NAME = "bulk-probe";

  public interface Command extends CborSerializable {}

  /** Sends {@code pages} pages in batches of {@code batchPages} to the probe at node address {@code to}, at most {@code window} batches unacknowledged. */
  public record Run(String to, long pages, int batchPages, int pageBytes, int window, ActorRef<Result> replyTo) implements Command {}

  /** @param corrupted batches whose bytes did not match their CRC */
  public record Result(long bytes, long nanos, long corrupted) implements CborSerializable {}

  public record Batch(long[] pages, int[] versions, byte[] contents, long crc, ActorRef<Command> replyTo) implements Command {}

  public record Taken(boolean intact) implements Command {}

  public static Behavior<Command> create() {
    return Behaviors.setup(BulkProbe::new);
  }

  private final ActorRefResolver resolver;
  private Run run;
  private ActorRef<Command> target;
  private long nextPage;
  private long unacknowledged;
  private long bytes;
  private long corrupted;
  private long startNanos;

  private BulkProbe(ActorContext<Command> context) {
    super(context);
    this.resolver = ActorRefResolver.get(context.getSystem());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(Batch.class, this::onBatch)
        .onMessage(Taken.class, this::onTaken)
        .build();
  }

  private Behavior<Command> onRun(Run start) {
    if (run != null) {
      start.replyTo().tell(new Result(0, 0, -1)); // one run at a time
      return this;
    }
    run = start;
    target = resolver.resolveActorRef(start.to() + "/user/" + NAME);
    nextPage = 0;
    unacknowledged = 0;
    bytes = 0;
    corrupted = 0;
    startNanos = System.nanoTime();
    fill();
    return this;
  }

  private void fill() {
    while (unacknowledged < run.window() && nextPage < run.pages()) {
      int count = (int) Math.min(run.batchPages(), run.pages() - nextPage);
      long[] pages = new long[count];
      int[] versions = new int[count];
      for (int i = 0; i < count; i++) {
        pages[i] = nextPage + i;
        versions[i] = 1;
      }
      nextPage += count;
      byte[] contents = PageContents.of(pages, versions, run.pageBytes());
      bytes += contents.length;
      unacknowledged++;
      target.tell(new Batch(pages, versions, contents, PageContents.crc(pages, versions, contents), getContext().getSelf()));
    }
  }

  private Behavior<Command> onBatch(Batch batch) {
    batch.replyTo().tell(new Taken(PageContents.crc(batch.pages(), batch.versions(), batch.contents()) == batch.crc()));
    return this;
  }

  private Behavior<Command> onTaken(Taken taken) {
    if (run == null) {
      return this;
    }
    unacknowledged--;
    if (!taken.intact()) {
      corrupted++;
    }
    fill();
    if (unacknowledged == 0 && nextPage >= run.pages()) {
      run.replyTo().tell(new Result(bytes, System.nanoTime() - startNanos, corrupted));
      run = null;
    }
    return this;
  }
}
