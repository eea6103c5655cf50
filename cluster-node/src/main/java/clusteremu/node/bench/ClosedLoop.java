package clusteremu.node.bench;

import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.machine.Outbound;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The benchmark's client: {@code users} requests always in flight (a new one as soon as one is
 * answered), counting answers over a fixed time. The same client drives the three tiers and the
 * bare chain, so that the ratio of the two measures the tiers and nothing else.
 */
final class ClosedLoop extends AbstractBehavior<ClosedLoop.Command> {

  interface Command {}

  /** Where the requests go: the dispatcher (tiers) or the entry relay (bare chain, proxy or direct style). */
  sealed interface Target permits Tiers, Bare {}

  /** @param network how requests reach the dispatcher (through the datacenter's border, or straight) */
  record Tiers(ActorRef<Dispatcher.Command> dispatcher, Outbound network) implements Target {}

  /** {@code notice}: in direct style, the middle relay also tells the entry it answered (as handoff's Finished). */
  record Bare(ActorRef<BareRelay.Command> entry, boolean direct, boolean notice) implements Target {
    Bare(ActorRef<BareRelay.Command> entry, boolean direct) {
      this(entry, direct, false);
    }
  }

  record Run(Target target, int users, Duration duration, ActorRef<Result> replyTo) implements Command {}

  /** Answers counted in the run's time, answers that were failures, and the run's seconds. */
  record Result(long answered, long failed, double seconds) {
    double rate() {
      return answered / seconds;
    }
  }

  private record Answered(long id, boolean ok) implements Command {}

  private enum TimeUp implements Command {
    INSTANCE
  }

  static Behavior<Command> create() {
    return Behaviors.setup(ClosedLoop::new);
  }

  private final ActorRef<Reply> replies;
  private final ActorRef<BareRelay.Back> backs;
  private Run run;
  private long nextId;
  private long answered;
  private long failed;
  private long outstanding;
  private long startNanos;
  private boolean issuing;
  private Result result;

  private ClosedLoop(ActorContext<Command> context) {
    super(context);
    replies = context.messageAdapter(Reply.class, r -> new Answered(r.requestId(), r.ok()));
    backs = context.messageAdapter(BareRelay.Back.class, b -> new Answered(b.id(), true));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(Answered.class, this::onAnswered)
        .onMessageEquals(TimeUp.INSTANCE, this::onTimeUp)
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    this.run = run;
    answered = 0;
    failed = 0;
    issuing = true;
    startNanos = System.nanoTime();
    for (int i = 0; i < run.users(); i++) {
      send();
    }
    getContext().scheduleOnce(run.duration(), getContext().getSelf(), TimeUp.INSTANCE);
    return this;
  }

  private void send() {
    long id = nextId++;
    outstanding++;
    if (run.target() instanceof Tiers tiers) {
      tiers.network().send(tiers.dispatcher(), new Dispatcher.Submit(id, Operation.READ, id & 1023, replies));
    } else if (run.target() instanceof Bare bare) {
      bare.entry().tell(new BareRelay.Hop(id, backs, bare.direct(), bare.notice(), null));
    }
  }

  private Behavior<Command> onAnswered(Answered message) {
    outstanding--;
    if (issuing) {
      answered++;
      if (!message.ok()) {
        failed++;
      }
      send();
    } else if (outstanding == 0) {
      report();
    }
    return this;
  }

  private Behavior<Command> onTimeUp() {
    issuing = false;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    result = new Result(answered, failed, seconds);
    if (outstanding == 0) {
      report();
    }
    return this;
  }

  /** Reports once everything sent has come back, so the next run starts from an empty pipeline. */
  private void report() {
    run.replyTo().tell(result);
  }
}
