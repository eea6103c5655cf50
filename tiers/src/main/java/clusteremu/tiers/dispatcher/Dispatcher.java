package clusteremu.tiers.dispatcher;

import clusteremu.tiers.CborSerializable;
import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.machine.Machine;
import clusteremu.tiers.machine.Mobile;
import clusteremu.tiers.machine.Traffic;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.protocol.FailureReason;
import clusteremu.tiers.protocol.Finished;
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import clusteremu.tiers.time.TimeDilation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The first tier: takes every client request, chooses an app server by its policy and forwards
 * the request there. In {@link Mode#PROXY} the app server's reply comes back through here and is
 * relayed to the client; in {@link Mode#HANDOFF} the app server answers the client itself and only
 * tells the dispatcher that it has finished.
 *
 * <p>The dispatcher holds every request it has accepted until it knows the outcome, so that when
 * an app server leaves or dies the requests held there are failed with a reason instead of being
 * lost. Holding is bounded: past {@code queue-capacity} a request is rejected at once.
 *
 * <p>A request whose app server is lost, holds it past {@code server-timeout} or is full can be
 * sent again to another app server ({@code retries}), under a new ticket, so that a late answer
 * from the first one is recognised as such and dropped.
 */
public final class Dispatcher extends AbstractBehavior<Dispatcher.Command> implements Mobile<Dispatcher.State> {

  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "dispatcher");

  public interface Command extends CborSerializable {}

  /** A client's request; the answer goes to {@code client} under {@code requestId}. */
  public record Submit(long requestId, Operation operation, long key, ActorRef<Reply> client)
      implements Command, Traffic.Carried {
    @Override
    public Traffic traffic() {
      return Traffic.REQUEST;
    }
  }

  /** Changes mode and/or policy on the running dispatcher; a null field keeps what is set. */
  public record Reconfigure(Mode mode, PolicyName policy, ActorRef<Reconfigured> replyTo)
      implements Command {}

  /** The mode and policy in force after a {@link Reconfigure}, and how many app servers it knows. */
  public record Reconfigured(Mode mode, PolicyName policy, int appServers) implements CborSerializable {}

  /** Handoff mode: an app server has answered the client of a ticket (through an adapter; package-private so that a test can check it serializes). */
  record FinishedByAppServer(Finished finished) implements Command {}

  private record AppServersChanged(Receptionist.Listing listing) implements Command {}

  record ReplyFromAppServer(Reply reply) implements Command {}

  private record RequestWorkDone(long ticket) implements Command {}

  private record ReplyWorkDone(long ticket, Reply reply) implements Command {}

  private enum CheckServerTimeouts implements Command {
    INSTANCE
  }

  /** The failures another app server may not repeat: a retry goes elsewhere. */
  private static final Set<String> RETRYABLE =
      Set.of(FailureReason.APP_SERVER_LOST, FailureReason.APP_SERVER_TIMEOUT, FailureReason.APP_SERVER_QUEUE_FULL);

  /** A request the dispatcher has accepted and not yet seen the end of. */
  private static final class Held {
    final long requestId;
    final Operation operation;
    final long key;
    final ActorRef<Reply> client;
    Backend backend;
    Mode mode;
    /** When it went to its backend: an emulated instant ({@link Machine#time()}). */
    long forwardedAt;
    /** Retries so far, and the app server the last try failed on (a retry avoids it). */
    int retries;
    String avoid;

    Held(Submit submit) {
      this.requestId = submit.requestId();
      this.operation = submit.operation();
      this.key = submit.key();
      this.client = submit.client();
    }
  }

  /**
   * One request held, as it moves: {@code backend} is the app server's VM, null while it waits for
   * the CPU; its time at the backend as an age, since clocks differ between JVMs.
   */
  public record HeldState(
      long ticket, long requestId, Operation operation, long key, ActorRef<Reply> client, String backend, Mode mode,
      long forwardedAgeNanos, int retries, String avoid)
      implements CborSerializable {}

  /** One app server as known, as it moves. */
  public record BackendState(String vm, int outstanding) implements CborSerializable {}

  /**
   * Everything a dispatcher holds, as it moves with its VM: the requests it has accepted and
   * where each went, its app servers, mode and policy, and the counts.
   */
  public record State(
      List<HeldState> held, List<BackendState> backends, Mode mode, PolicyName policy, long nextTicket, ComponentCounters.Snapshot counters)
      implements CborSerializable {}

  public static Behavior<Command> create(
      DispatcherSettings settings, Machine machine, ComponentCounters counters) {
    return create(settings, machine, counters, null);
  }

  /** A dispatcher that begins from {@code restored} (null: holding nothing). */
  public static Behavior<Command> create(
      DispatcherSettings settings, Machine machine, ComponentCounters counters, State restored) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new Dispatcher(context, timers, settings, machine, counters, restored)));
  }

  @Override
  public State capture() {
    long now = time.nanoTime();
    List<HeldState> requests = new ArrayList<>();
    held.forEach(
        (ticket, request) ->
            requests.add(
                new HeldState(
                    ticket, request.requestId, request.operation, request.key, request.client,
                    request.backend == null ? null : request.backend.vm, request.mode,
                    now - request.forwardedAt, request.retries, request.avoid)));
    List<BackendState> servers = new ArrayList<>();
    backends.forEach(backend -> servers.add(new BackendState(backend.vm, backend.outstanding)));
    return new State(requests, servers, mode, policyName, nextTicket, counters.snapshot());
  }

  private void restore(State state) {
    long now = time.nanoTime();
    Map<String, Backend> byVm = new HashMap<>();
    for (BackendState server : state.backends()) {
      Backend backend = new Backend(server.vm());
      backend.outstanding = server.outstanding();
      backends.add(backend);
      byVm.put(server.vm(), backend);
    }
    for (HeldState request : state.held()) {
      Held h = new Held(new Submit(request.requestId(), request.operation(), request.key(), request.client()));
      h.backend = request.backend() == null ? null : byVm.get(request.backend());
      h.mode = request.mode();
      h.forwardedAt = now - request.forwardedAgeNanos();
      h.retries = request.retries();
      h.avoid = request.avoid();
      held.put(request.ticket(), h);
      if (h.mode == null) {
        waitingForCpu++;
      }
    }
    mode = state.mode();
    if (state.policy() != policyName) {
      policyName = state.policy();
      policy = policyName.newPolicy(random);
    }
    nextTicket = state.nextTicket();
    counters.restore(state.counters());
  }

  private final DispatcherSettings settings;
  private final Machine machine;
  /** Emulated time: the clock and the timers run slower under time dilation. */
  private final TimeDilation time;
  private final ComponentCounters counters;
  private final long requestDemandNanos;
  private final long replyDemandNanos;
  private final long serverTimeoutNanos;
  private final SplittableRandom random;
  private final ActorRef<Reply> replyInbox;
  private final ActorRef<Finished> finishedInbox;
  private final ActorRef<Command> self;
  private final Map<Long, Held> held = new HashMap<>();
  /** Held requests still waiting for the dispatcher's CPU (their mode is not set yet); bounded by max-queue. */
  private int waitingForCpu;
  private final List<Backend> backends = new ArrayList<>();
  private Mode mode;
  private PolicyName policyName;
  private DispatchPolicy policy;
  private long nextTicket;

  private Dispatcher(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      DispatcherSettings settings,
      Machine machine,
      ComponentCounters counters,
      State restored) {
    super(context);
    this.settings = settings;
    this.machine = machine;
    this.time = machine.time();
    this.counters = counters;
    this.requestDemandNanos = settings.requestDemand().toNanos();
    this.replyDemandNanos = settings.replyDemand().toNanos();
    this.serverTimeoutNanos = settings.serverTimeout().toNanos();
    this.random = new SplittableRandom(settings.seed());
    this.mode = settings.mode();
    this.policyName = settings.policy();
    this.policy = policyName.newPolicy(random);
    this.self = context.getSelf();
    this.replyInbox = context.messageAdapter(Reply.class, ReplyFromAppServer::new);
    this.finishedInbox = context.messageAdapter(Finished.class, FinishedByAppServer::new);
    ActorRef<Receptionist.Listing> listings =
        context.messageAdapter(Receptionist.Listing.class, AppServersChanged::new);
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.subscribe(AppServer.SERVICE_KEY, listings));
    if (serverTimeoutNanos > 0) {
      // A tenth of the bound (within 10-100 ms): a request fails at most 10% past it.
      long check = Math.max(10, Math.min(100, settings.serverTimeout().toMillis() / 10));
      timers.startTimerWithFixedDelay(CheckServerTimeouts.INSTANCE, time.real(Duration.ofMillis(check)));
    }
    if (restored != null) {
      restore(restored);
    }
    machine.carry(this);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(RequestWorkDone.class, this::onRequestWorkDone)
        .onMessage(ReplyFromAppServer.class, this::onReplyFromAppServer)
        .onMessage(ReplyWorkDone.class, this::onReplyWorkDone)
        .onMessage(FinishedByAppServer.class, this::onFinished)
        .onMessage(AppServersChanged.class, this::onAppServersChanged)
        .onMessage(Reconfigure.class, this::onReconfigure)
        .onMessageEquals(CheckServerTimeouts.INSTANCE, this::onCheckServerTimeouts)
        .build();
  }

  private Behavior<Command> onSubmit(Submit submit) {
    counters.received();
    if (held.size() >= settings.queueCapacity()) {
      counters.rejected();
      machine.send(
          submit.client(), Reply.failed(submit.requestId(), FailureReason.DISPATCHER_QUEUE_FULL));
      return this;
    }
    if (settings.maxQueue() > 0 && waitingForCpu >= settings.maxQueue()) {
      counters.rejected();
      machine.send(submit.client(), Reply.failed(submit.requestId(), FailureReason.OVERLOADED));
      return this;
    }
    long ticket = nextTicket++;
    waitingForCpu++;
    held.put(ticket, new Held(submit));
    RequestWorkDone done = new RequestWorkDone(ticket);
    if (machine.computesAtOnce(requestDemandNanos)) {
      return onRequestWorkDone(done);
    }
    machine.compute(requestDemandNanos, self, done);
    return this;
  }

  private Behavior<Command> onRequestWorkDone(RequestWorkDone done) {
    Held request = held.get(done.ticket());
    if (request == null) {
      return this; // already failed while it waited for the CPU
    }
    // It no longer waits for the CPU: its mode says so (a request with none still waits).
    request.mode = mode;
    waitingForCpu--;
    if (backends.isEmpty()) {
      fail(done.ticket(), FailureReason.NO_APP_SERVER, request.retries == 0);
      return this;
    }
    Backend backend = choose(request);
    backend.outstanding++;
    request.backend = backend;
    request.forwardedAt = time.nanoTime();
    AppServer.Serve serve =
        mode == Mode.PROXY
            ? new AppServer.Serve(
                done.ticket(), done.ticket(), request.operation, request.key, replyInbox, null)
            : new AppServer.Serve(
                done.ticket(),
                request.requestId,
                request.operation,
                request.key,
                request.client,
                finishedInbox);
    if (!machine.sendToVm(backend.vm, serve)) {
      // Listed, but running nowhere this JVM knows of now (its host crashed or is coming back).
      backend.outstanding--;
      request.backend = null;
      failOrRetry(done.ticket(), FailureReason.APP_SERVER_LOST, backend.vm);
    }
    return this;
  }

  private Behavior<Command> onReplyFromAppServer(ReplyFromAppServer message) {
    long ticket = message.reply().requestId();
    Held request = held.get(ticket);
    if (request == null || request.backend == null) {
      return this; // failed already (its app server was lost); the client has its answer
    }
    Backend from = request.backend;
    from.outstanding--;
    from.skipUntil = 0; // it answers again
    request.backend = null;
    if (!message.reply().ok() && mayRetry(request, message.reply().failure())) {
      failOrRetry(ticket, message.reply().failure(), from.vm);
      return this;
    }
    ReplyWorkDone done = new ReplyWorkDone(ticket, message.reply());
    if (machine.computesAtOnce(replyDemandNanos)) {
      return onReplyWorkDone(done);
    }
    machine.compute(replyDemandNanos, self, done);
    return this;
  }

  private Behavior<Command> onReplyWorkDone(ReplyWorkDone done) {
    Held request = held.remove(done.ticket());
    if (request == null) {
      return this;
    }
    count(done.reply().ok());
    machine.send(request.client, done.reply().withRequestId(request.requestId));
    return this;
  }

  private Behavior<Command> onFinished(FinishedByAppServer message) {
    Finished finished = message.finished();
    Held request = held.remove(finished.ticket());
    if (request == null) {
      return this;
    }
    if (request.backend != null) {
      request.backend.outstanding--;
      request.backend.skipUntil = 0;
    }
    count(finished.ok());
    return this;
  }

  private Behavior<Command> onAppServersChanged(AppServersChanged changed) {
    // App servers are known by the name of their VM, so one that moves stays the same backend.
    Set<String> now = new HashSet<>();
    for (ActorRef<AppServer.Command> server : changed.listing().getServiceInstances(AppServer.SERVICE_KEY)) {
      now.add(machine.vmOf(server));
    }
    Set<String> known = new HashSet<>();
    for (Iterator<Backend> it = backends.iterator(); it.hasNext(); ) {
      Backend backend = it.next();
      known.add(backend.vm);
      if (!now.contains(backend.vm)) {
        it.remove();
        failHeldOn(backend);
        getContext().getLog().info("app server {} left", backend.vm);
      }
    }
    for (String vm : now) {
      if (!known.contains(vm)) {
        backends.add(new Backend(vm));
        getContext().getLog().info("app server {} joined", vm);
      }
    }
    // A stable order, so that round robin and the tests see the same sequence everywhere.
    backends.sort((a, b) -> a.vm.compareTo(b.vm));
    return this;
  }

  private Behavior<Command> onReconfigure(Reconfigure reconfigure) {
    if (reconfigure.mode() != null) {
      mode = reconfigure.mode();
    }
    if (reconfigure.policy() != null && reconfigure.policy() != policyName) {
      policyName = reconfigure.policy();
      policy = policyName.newPolicy(random);
    }
    getContext().getLog().info("mode {} policy {}", mode.configName(), policyName.configName());
    reconfigure.replyTo().tell(new Reconfigured(mode, policyName, backends.size()));
    return this;
  }

  private Behavior<Command> onCheckServerTimeouts() {
    long now = time.nanoTime();
    List<Long> late = new ArrayList<>();
    held.forEach(
        (ticket, request) -> {
          if (request.backend != null && now - request.forwardedAt >= serverTimeoutNanos) {
            late.add(ticket);
          }
        });
    for (long ticket : late) {
      Held request = held.get(ticket);
      Backend slow = request.backend;
      slow.skipUntil = now + serverTimeoutNanos;
      if (request.mode == Mode.HANDOFF) {
        // The app server answers the client itself: failing the request here could answer it
        // twice. The server is only skipped; the request ends when it says it has finished.
        request.forwardedAt = now;
        continue;
      }
      slow.outstanding--;
      request.backend = null;
      failOrRetry(ticket, FailureReason.APP_SERVER_TIMEOUT, slow.vm);
    }
    if (!late.isEmpty()) {
      getContext().getLog().info("{} request(s) timed out at their app server", late.size());
    }
    return this;
  }

  /**
   * The app server for {@code request} by the policy, among those that are neither the one its
   * last try failed on nor skipped after a timeout; when that leaves none, among all but the
   * failed one; when that leaves none either, among all.
   */
  private Backend choose(Held request) {
    long now = time.nanoTime();
    boolean filter = request.avoid != null;
    for (Backend backend : backends) {
      filter |= backend.skipped(now);
    }
    if (!filter) {
      return policy.choose(backends);
    }
    List<Backend> usable = new ArrayList<>();
    for (Backend backend : backends) {
      if (!backend.vm.equals(request.avoid) && !backend.skipped(now)) {
        usable.add(backend);
      }
    }
    if (usable.isEmpty()) {
      for (Backend backend : backends) {
        if (!backend.vm.equals(request.avoid)) {
          usable.add(backend);
        }
      }
    }
    return policy.choose(usable.isEmpty() ? backends : usable);
  }

  private void failHeldOn(Backend lost) {
    List<Long> tickets = new ArrayList<>();
    held.forEach(
        (ticket, request) -> {
          if (request.backend == lost) {
            tickets.add(ticket);
          }
        });
    for (long ticket : tickets) {
      held.get(ticket).backend = null;
      failOrRetry(ticket, FailureReason.APP_SERVER_LOST, lost.vm);
    }
  }

  private boolean mayRetry(Held request, String reason) {
    return request.retries < settings.retries()
        && request.mode == Mode.PROXY
        && (request.operation == Operation.READ || settings.retryWrites())
        && RETRYABLE.contains(reason);
  }

  /**
   * Fails a request whose try on {@code lastVm} failed for {@code reason}, or, when it may be
   * retried, sends it again through the dispatcher's CPU under a new ticket, avoiding that server.
   */
  private void failOrRetry(long ticket, String reason, String lastVm) {
    Held request = held.get(ticket);
    if (!mayRetry(request, reason)) {
      fail(ticket, reason, false);
      return;
    }
    held.remove(ticket);
    long retry = nextTicket++;
    request.retries++;
    request.avoid = lastVm;
    request.mode = null;
    waitingForCpu++;
    held.put(retry, request);
    counters.retried();
    machine.compute(requestDemandNanos, self, new RequestWorkDone(retry));
  }

  private void fail(long ticket, String reason, boolean rejectedHere) {
    Held request = held.remove(ticket);
    if (request.mode == null) {
      waitingForCpu--;
    }
    if (rejectedHere) {
      counters.rejected();
    } else {
      counters.failed();
    }
    machine.send(request.client, Reply.failed(request.requestId, reason));
  }

  private void count(boolean ok) {
    if (ok) {
      counters.completed();
    } else {
      counters.failed();
    }
  }
}
