package clusteremu.tiers.driver;

import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.machine.Outbound;
import clusteremu.tiers.request.FailureReason;
import clusteremu.tiers.request.Operation;
import clusteremu.tiers.request.Reply;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The load driver: a client outside the datacenter that sends requests to the dispatchers
 * (spread over them as DNS round robin would), accounts for every one of them in its {@link
 * Ledger}, reports each second through {@link Progress}, and ends with a {@link Summary} once everything it
 * sent is settled.
 *
 * <p>In the open loop a {@link Pacer} tells the driver when each request is due, at the intended
 * times of an {@link ArrivalSchedule}; latency is measured from that intended time, so a cluster
 * that stalls is charged for the whole stall (no coordinated omission, as in wrk2).
 */
public final class Driver extends AbstractBehavior<Driver.Command> {

  /** How long the driver waits for a dispatcher to appear before it gives up. */
  public static final Duration DISPATCHER_WAIT = Duration.ofSeconds(60);

  static final Duration SWEEP_INTERVAL = Duration.ofMillis(20);

  /** The driver's messages are all local: only {@link Reply} crosses JVMs, through an adapter. */
  public interface Command {}

  /**
   * Stop early (the user pressed Ctrl-C): no new requests, one second for those in flight, then
   * the rest fail as {@code interrupted}, and the summary covers the time actually run.
   */
  public enum Interrupt implements Command {
    INSTANCE
  }

  /** How long an interrupted run waits for what is in flight. */
  public static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

  private record Due(long intendedNanos) implements Command {}

  private enum IssuingOver implements Command {
    INSTANCE
  }

  private record Answered(Reply reply) implements Command {}

  private record DispatchersChanged(Receptionist.Listing listing) implements Command {}

  private record DispatcherReconfigured(Dispatcher.Reconfigured reconfigured) implements Command {}

  private record UserReady(int user) implements Command {}

  private enum Tick implements Command {
    PROGRESS,
    SWEEP,
    GIVE_UP_WAITING
  }

  /**
   * Where the driver reports to: progress lines, the interval log of latencies, and (when not
   * null) what became of the requests settled in each second.
   */
  public record Output(Consumer<String> progress, PrintStream histogramLog, Consumer<Second> seconds) {
    public Output(Consumer<String> progress, PrintStream histogramLog) {
      this(progress, histogramLog, null);
    }
  }

  /**
   * The requests settled in one second (ending at {@code ts}, epoch ms): answered ok, failed (by
   * reason) and timed out then, and those sent and not sent then. What the report's availability
   * per second and its fault table are made of.
   */
  public record Second(long ts, long sent, long ok, long failed, Map<String, Long> failedByReason, long timeouts, long notSent, boolean warmup) {
    /** The fraction of the requests settled in this second that were answered ok; 1 when none were. */
    public double availability() {
      long settled = ok + failed + timeouts;
      return settled == 0 ? 1.0 : (double) ok / settled;
    }
  }

  public static Behavior<Command> create(
      LoadSettings settings, Output output, CompletableFuture<Summary> result) {
    return create(settings, output, result, Outbound.DIRECT);
  }

  /** @param network how requests reach a dispatcher: through the datacenter's border, or straight */
  public static Behavior<Command> create(
      LoadSettings settings, Output output, CompletableFuture<Summary> result, Outbound network) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Driver(context, timers, settings, output, result, network).waiting()));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final LoadSettings settings;
  private final Output output;
  private final Outbound network;
  private final CompletableFuture<Summary> result;
  private final ActorRef<Reply> replyInbox;
  private final SplittableRandom random;
  private final Ledger ledger = new Ledger();
  private final ReadYourWrites freshness = new ReadYourWrites();
  private final ArrayDeque<Long> backlog = new ArrayDeque<>();
  private List<ActorRef<Dispatcher.Command>> dispatchers = List.of();
  private int reconfigurationsPending;
  private int nextDispatcher;
  private long nextRequestId;
  /** The run's clock and measured window, from the start of the load. */
  private MeasuredWindow window;
  /** Each second's line, histogram interval and outcomes, from the start of the load. */
  private Progress progress;
  private long drainDeadline;
  private boolean issuing;
  private boolean interrupted;
  /** The open loop's clock; null in the closed loop, whose users send when answered. */
  private Pacer pacer;

  private Driver(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      LoadSettings settings,
      Output output,
      CompletableFuture<Summary> result,
      Outbound network) {
    super(context);
    this.network = network;
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.output = output;
    this.result = result;
    this.random = new SplittableRandom(settings.seed());
    this.replyInbox = context.messageAdapter(Reply.class, Answered::new);
    context
        .getSystem()
        .receptionist()
        .tell(
            Receptionist.subscribe(
                Dispatcher.SERVICE_KEY,
                context.messageAdapter(Receptionist.Listing.class, DispatchersChanged::new)));
    timers.startSingleTimer(Tick.GIVE_UP_WAITING, DISPATCHER_WAIT);
  }

  /** Before the load: waiting for dispatchers, and for them to take the requested mode. */
  private Behavior<Command> waiting() {
    return newReceiveBuilder()
        .onMessage(DispatchersChanged.class, this::onDispatchersChangedWhileWaiting)
        .onMessage(DispatcherReconfigured.class, this::onDispatcherReconfigured)
        .onMessageEquals(Tick.GIVE_UP_WAITING, this::onGiveUpWaiting)
        .onMessageEquals(
            Interrupt.INSTANCE,
            () -> {
              result.completeExceptionally(new InterruptedException("interrupted before the load started"));
              return Behaviors.ignore();
            })
        .build();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Due.class, this::onDue)
        .onMessage(UserReady.class, this::onUserReady)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(DispatchersChanged.class, this::onDispatchersChanged)
        .onMessageEquals(IssuingOver.INSTANCE, this::onIssuingOver)
        .onMessageEquals(Interrupt.INSTANCE, this::onInterrupt)
        .onMessageEquals(Tick.SWEEP, this::onSweep)
        .onMessageEquals(Tick.PROGRESS, this::onProgress)
        .build();
  }

  private Behavior<Command> onDispatchersChangedWhileWaiting(DispatchersChanged changed) {
    dispatchers = sorted(changed.listing());
    if (dispatchers.isEmpty() || reconfigurationsPending > 0) {
      return Behaviors.same();
    }
    if (settings.mode() == null && settings.policy() == null) {
      return start();
    }
    reconfigurationsPending = dispatchers.size();
    ActorRef<Dispatcher.Reconfigured> acks =
        context.messageAdapter(Dispatcher.Reconfigured.class, DispatcherReconfigured::new);
    for (ActorRef<Dispatcher.Command> dispatcher : dispatchers) {
      dispatcher.tell(new Dispatcher.Reconfigure(settings.mode(), settings.policy(), acks));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onDispatcherReconfigured(DispatcherReconfigured message) {
    output
        .progress()
        .accept(
            "dispatcher now in mode "
                + message.reconfigured().mode().configName()
                + ", policy "
                + message.reconfigured().policy().configName()
                + ", with "
                + message.reconfigured().appServers()
                + " app server(s)");
    return --reconfigurationsPending == 0 ? start() : Behaviors.same();
  }

  private Behavior<Command> onGiveUpWaiting() {
    result.completeExceptionally(
        new TimeoutException(
            dispatchers.isEmpty()
                ? "no dispatcher joined the cluster within " + DISPATCHER_WAIT.toSeconds() + " s"
                : "dispatchers did not confirm the requested mode/policy within "
                    + DISPATCHER_WAIT.toSeconds()
                    + " s"));
    return Behaviors.ignore();
  }

  private Behavior<Command> start() {
    timers.cancel(Tick.GIVE_UP_WAITING);
    window = new MeasuredWindow(System.nanoTime(), System.currentTimeMillis(), settings.warmup(), settings.duration());
    issuing = true;
    progress = new Progress(output, ledger, window);
    timers.startTimerAtFixedRate(Tick.PROGRESS, Duration.ofSeconds(1));
    timers.startTimerWithFixedDelay(Tick.SWEEP, SWEEP_INTERVAL);
    output.progress().accept(settings.describe(dispatchers.size()));
    if (settings.openLoop()) {
      ActorRef<Command> self = context.getSelf();
      pacer =
          new Pacer(
              new ArrivalSchedule(settings.rate(), settings.arrivals(), window.startNanos(), settings.seed() + 1),
              window.endNanos(),
              due -> self.tell(new Due(due)),
              () -> self.tell(IssuingOver.INSTANCE));
      pacer.start();
    } else {
      for (int user = 0; user < settings.users(); user++) {
        send(System.nanoTime(), user);
      }
      timers.startSingleTimer(IssuingOver.INSTANCE, Duration.ofNanos(window.endNanos() - System.nanoTime()));
    }
    return this;
  }

  private Behavior<Command> onDue(Due due) {
    if (!issuing) {
      return this; // interrupted: what the pacer had already queued is not sent
    }
    if (!backlog.isEmpty() || ledger.inFlight() >= settings.maxInFlight()) {
      backlog.addLast(due.intendedNanos());
    } else {
      send(due.intendedNanos(), -1);
    }
    return this;
  }

  private Behavior<Command> onUserReady(UserReady ready) {
    if (issuing) {
      send(System.nanoTime(), ready.user());
    }
    return this;
  }

  private void send(long intendedNanos, int user) {
    boolean measured = window.issued(intendedNanos);
    if (dispatchers.isEmpty()) {
      ledger.notSent("no-dispatcher");
      return;
    }
    ActorRef<Dispatcher.Command> dispatcher = dispatchers.get(nextDispatcher++ % settings.dispatchersUsed(dispatchers.size()));
    long id = nextRequestId++;
    Operation operation = random.nextDouble() < settings.readRatio() ? Operation.READ : Operation.WRITE;
    long key = random.nextLong(settings.keys());
    ledger.sent(id, new Ledger.Pending(intendedNanos, System.nanoTime(), dispatcher, user, measured));
    freshness.sent(id, operation, key);
    network.send(dispatcher, new Dispatcher.Submit(id, operation, key, replyInbox));
  }

  private Behavior<Command> onAnswered(Answered answered) {
    Reply reply = answered.reply();
    Ledger.Pending pending = ledger.answered(reply);
    if (pending == null) {
      return this;
    }
    freshness.answered(reply);
    if (reply.ok()) {
      long now = System.nanoTime();
      long micros = Math.max(1, (now - pending.intendedNanos()) / 1000);
      window.answeredOk(now, micros, pending.measured());
      progress.answeredOk(micros);
    }
    settled(pending);
    return this;
  }

  /** A slot is free: the backlog goes first, then the user whose request it was. */
  private void settled(Ledger.Pending pending) {
    while (!backlog.isEmpty() && ledger.inFlight() < settings.maxInFlight()) {
      send(backlog.pollFirst(), -1);
    }
    if (pending.user() >= 0 && issuing) {
      if (settings.thinkTime().isZero()) {
        send(System.nanoTime(), pending.user());
      } else {
        context.scheduleOnce(settings.thinkTime(), context.getSelf(), new UserReady(pending.user()));
      }
    }
  }

  private Behavior<Command> onDispatchersChanged(DispatchersChanged changed) {
    List<ActorRef<Dispatcher.Command>> now = sorted(changed.listing());
    Set<Object> present = new HashSet<>(now);
    for (ActorRef<Dispatcher.Command> old : dispatchers) {
      if (!present.contains(old)) {
        output.progress().accept("dispatcher " + old.path() + " left; failing what went through it");
      }
    }
    dispatchers = now;
    for (Ledger.Pending lost : ledger.failWhere(p -> !present.contains(p.via()), FailureReason.DISPATCHER_LOST)) {
      settled(lost);
    }
    return this;
  }

  private Behavior<Command> onInterrupt() {
    if (interrupted) {
      return this;
    }
    interrupted = true;
    output.progress().accept(String.format("interrupted; giving %d requests in flight %d s to come back", ledger.inFlight(), INTERRUPT_GRACE.toSeconds()));
    if (issuing) {
      stopIssuing();
    }
    drainDeadline = System.nanoTime() + INTERRUPT_GRACE.toNanos();
    return this;
  }

  private void stopIssuing() {
    issuing = false;
    if (pacer != null) {
      pacer.stop();
    }
    window.stoppedIssuing(System.nanoTime());
    while (!backlog.isEmpty()) {
      backlog.pollFirst();
      ledger.notSent(interrupted ? "interrupted" : "in-flight-limit");
    }
  }

  private Behavior<Command> onIssuingOver() {
    if (!issuing) {
      return this; // interrupted before the end
    }
    stopIssuing();
    drainDeadline = System.nanoTime() + settings.timeout().toNanos() + SWEEP_INTERVAL.toNanos();
    output.progress().accept(String.format("load over; draining %d requests in flight", ledger.inFlight() + backlog.size()));
    return finishIfDrained();
  }

  private Behavior<Command> onSweep() {
    long now = System.nanoTime();
    long timeout = settings.timeout().toNanos();
    while (!backlog.isEmpty() && now - backlog.peekFirst() >= timeout) {
      backlog.pollFirst();
      ledger.notSent("in-flight-limit");
    }
    boolean pastDeadline = !issuing && now - drainDeadline >= 0;
    if (pastDeadline && interrupted) {
      ledger.failWhere(p -> true, "interrupted");
    }
    for (Ledger.Pending expired : ledger.expire(pastDeadline ? now : now - timeout)) {
      settled(expired);
    }
    if (pastDeadline) {
      while (!backlog.isEmpty()) {
        backlog.pollFirst();
        ledger.notSent("in-flight-limit");
      }
    }
    return finishIfDrained();
  }

  private Behavior<Command> finishIfDrained() {
    if (issuing || ledger.inFlight() > 0 || !backlog.isEmpty()) {
      return this;
    }
    progress.last(backlog.size()); // outcomes.jsonl sums to the summary
    timers.cancelAll();
    result.complete(window.summary(ledger, freshness.staleReads(), interrupted, settings.toJson(dispatchers.size())));
    // Not stopped: whoever started the driver shuts its system down, leaving the cluster gracefully.
    return Behaviors.ignore();
  }

  private Behavior<Command> onProgress() {
    progress.tick(backlog.size());
    return this;
  }

  private static List<ActorRef<Dispatcher.Command>> sorted(Receptionist.Listing listing) {
    List<ActorRef<Dispatcher.Command>> refs =
        new ArrayList<>(listing.getServiceInstances(Dispatcher.SERVICE_KEY));
    refs.sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
    return List.copyOf(refs);
  }
}
