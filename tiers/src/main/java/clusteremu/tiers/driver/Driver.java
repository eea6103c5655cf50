package clusteremu.tiers.driver;

import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.machine.Outbound;
import clusteremu.tiers.protocol.FailureReason;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import clusteremu.tiers.time.TimeDilation;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The load driver: a client outside the datacenter that sends requests to the dispatchers
 * (spread over them as DNS round robin would), accounts for every one of them in its {@link
 * Ledger}, reports each second through {@link Progress}, and ends with a {@link Summary} once
 * everything it sent is settled, told to whoever started it as an {@link Outcome}.
 *
 * <p>Before the load a {@link DispatcherDirectory} waits for the dispatchers (and their
 * confirmation of a requested mode/policy); the driver itself is the load. In the open loop a
 * {@link Pacer} tells it when each request is due; latency is measured from that intended time,
 * so a cluster that stalls is charged for the whole stall (no coordinated omission, as in wrk2).
 * What runs per request stays inside this one actor, in plain classes, with no hop in between.
 *
 * <p>Under time dilation the driver lives in emulated time: the rate, durations, timeout and think
 * time it is given and the latencies and rates it reports are emulated, so it sends {@code
 * factor} times fewer requests per real second and reports each emulated second.
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

  /** What became of a run, told once to the {@code replyTo} given at its creation. */
  public sealed interface Outcome {}

  /** The run is over and everything it sent is settled. */
  public record Completed(Summary summary) implements Outcome {}

  /** The load never started: no dispatcher, no confirmation from them, or an interrupt first. */
  public record NotStarted(String reason) implements Outcome {}

  private record Due(long intendedNanos) implements Command {}

  private enum IssuingOver implements Command {
    INSTANCE
  }

  private record Answered(Reply reply) implements Command {}

  private record UserReady(int user) implements Command {}

  private enum Tick implements Command {
    PROGRESS,
    SWEEP
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

  public static Behavior<Command> create(LoadSettings settings, Output output, ActorRef<Outcome> replyTo) {
    return create(settings, output, replyTo, Outbound.DIRECT, TimeDilation.NONE);
  }

  /**
   * @param replyTo is told the run's {@link Outcome}; the driver is not stopped then: whoever
   *     started it stops it (or shuts its system down, leaving the cluster gracefully)
   * @param network how requests reach a dispatcher: through the datacenter's border, or straight
   * @param time the scenario's time dilation: what the driver is given and reports is emulated
   */
  public static Behavior<Command> create(
      LoadSettings settings, Output output, ActorRef<Outcome> replyTo, Outbound network, TimeDilation time) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  ActorRef<DispatcherDirectory.Command> directory =
                      context.spawn(
                          DispatcherDirectory.create(
                              settings.mode(), settings.policy(), DISPATCHER_WAIT, output.progress(), context.getSelf().narrow()),
                          "dispatcher-directory");
                  return Behaviors.receive(Command.class)
                      .onMessage(
                          DispatcherDirectory.Ready.class,
                          ready -> new Driver(context, timers, settings, output, replyTo, network, time, ready.dispatchers()))
                      .onMessage(
                          DispatcherDirectory.GaveUp.class,
                          gaveUp -> notStarted(replyTo, gaveUp.reason()))
                      .onMessageEquals(
                          Interrupt.INSTANCE,
                          () -> {
                            context.stop(directory);
                            return notStarted(replyTo, "interrupted before the load started");
                          })
                      .build();
                }));
  }

  private static Behavior<Command> notStarted(ActorRef<Outcome> replyTo, String reason) {
    replyTo.tell(new NotStarted(reason));
    return Behaviors.ignore();
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final LoadSettings settings;
  private final Output output;
  private final Outbound network;
  private final TimeDilation time;
  private final ActorRef<Outcome> replyTo;
  private final ActorRef<Reply> replyInbox;
  private final SplittableRandom random;
  private final Ledger ledger = new Ledger();
  private final ReadYourWrites freshness = new ReadYourWrites();
  /** Intended send times of due requests held back at the in-flight limit, oldest first. */
  private final ArrayDeque<Long> backlog = new ArrayDeque<>();
  private final MeasuredWindow window;
  private final Progress progress;
  /** The open loop's clock; null in the closed loop, whose users send when answered. */
  private final Pacer pacer;
  private List<ActorRef<Dispatcher.Command>> dispatchers;
  private int nextDispatcher;
  private long nextRequestId;
  private long drainDeadline;
  private boolean issuing;
  private boolean interrupted;

  /** Starts the load, over the {@code dispatchers} the directory found ready. */
  private Driver(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      LoadSettings settings,
      Output output,
      ActorRef<Outcome> replyTo,
      Outbound network,
      TimeDilation time,
      List<ActorRef<Dispatcher.Command>> dispatchers) {
    super(context);
    this.network = network;
    this.time = time;
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.output = output;
    this.replyTo = replyTo;
    this.dispatchers = dispatchers;
    this.random = new SplittableRandom(settings.seed());
    this.replyInbox = context.messageAdapter(Reply.class, Answered::new);
    this.window = new MeasuredWindow(time, System.currentTimeMillis(), settings.warmup(), settings.duration());
    this.issuing = true;
    this.progress = new Progress(output, ledger, window, time);
    timers.startTimerAtFixedRate(Tick.PROGRESS, time.real(Duration.ofSeconds(1)));
    timers.startTimerWithFixedDelay(Tick.SWEEP, time.real(SWEEP_INTERVAL));
    output.progress().accept(settings.describe(dispatchers.size()) + inEmulatedTime());
    if (settings.openLoop()) {
      ActorRef<Command> self = context.getSelf();
      pacer =
          new Pacer(
              time,
              new ArrivalSchedule(settings.rate(), settings.arrivals(), window.startNanos(), settings.seed() + 1),
              window.endNanos(),
              due -> self.tell(new Due(due)),
              () -> self.tell(IssuingOver.INSTANCE));
      pacer.start();
    } else {
      pacer = null;
      for (int user = 0; user < settings.users(); user++) {
        send(time.nanoTime(), user);
      }
      timers.startSingleTimer(IssuingOver.INSTANCE, Duration.ofNanos(time.realNanos(window.endNanos() - time.nanoTime())));
    }
  }

  /** Under time dilation, what the first line adds: its figures are emulated, and how long the load takes in real time. */
  private String inEmulatedTime() {
    if (!time.dilated()) {
      return "";
    }
    return String.format(
        "; in emulated time (time dilation %s: a line every %s real s, the load takes %s real s)",
        time.factorText(),
        LoadSettings.seconds(time.real(Duration.ofSeconds(1))),
        LoadSettings.seconds(time.real(settings.warmup().plus(settings.duration()))));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Due.class, this::onDue)
        .onMessage(UserReady.class, this::onUserReady)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(DispatcherDirectory.Changed.class, this::onDispatchersChanged)
        .onMessageEquals(IssuingOver.INSTANCE, this::onIssuingOver)
        .onMessageEquals(Interrupt.INSTANCE, this::onInterrupt)
        .onMessageEquals(Tick.SWEEP, this::onSweep)
        .onMessageEquals(Tick.PROGRESS, this::onProgress)
        .build();
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
      send(time.nanoTime(), ready.user());
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
    ledger.sent(id, new Ledger.Pending(intendedNanos, time.nanoTime(), dispatcher, user, measured));
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
      long now = time.nanoTime();
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
        send(time.nanoTime(), pending.user());
      } else {
        context.scheduleOnce(time.real(settings.thinkTime()), context.getSelf(), new UserReady(pending.user()));
      }
    }
  }

  private Behavior<Command> onDispatchersChanged(DispatcherDirectory.Changed changed) {
    List<ActorRef<Dispatcher.Command>> now = changed.dispatchers();
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
    drainDeadline = time.nanoTime() + INTERRUPT_GRACE.toNanos();
    return this;
  }

  private void stopIssuing() {
    issuing = false;
    if (pacer != null) {
      pacer.stop();
    }
    window.stoppedIssuing(time.nanoTime());
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
    drainDeadline = time.nanoTime() + settings.timeout().toNanos() + SWEEP_INTERVAL.toNanos();
    output.progress().accept(String.format("load over; draining %d requests in flight", ledger.inFlight() + backlog.size()));
    return finishIfDrained();
  }

  private Behavior<Command> onSweep() {
    long now = time.nanoTime();
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

  private Behavior<Command> onProgress() {
    progress.tick(backlog.size());
    return this;
  }

  private Behavior<Command> finishIfDrained() {
    if (issuing || ledger.inFlight() > 0 || !backlog.isEmpty()) {
      return this;
    }
    progress.last(backlog.size()); // outcomes.jsonl sums to the summary
    timers.cancelAll();
    replyTo.tell(new Completed(window.summary(ledger, freshness.staleReads(), interrupted, settings.toJson(dispatchers.size()))));
    // Not stopped: whoever started the driver stops it, or shuts its system down, leaving the cluster gracefully.
    return Behaviors.ignore();
  }
}
