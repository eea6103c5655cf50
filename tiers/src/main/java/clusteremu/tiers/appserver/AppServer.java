package clusteremu.tiers.appserver;

import clusteremu.tiers.CborSerializable;
import clusteremu.tiers.dataserver.DataServer;
import clusteremu.tiers.dataserver.Partitioning;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * The second tier: serves a request by spending its service demand on the machine's cores, then
 * making {@code data-calls} calls to the data tier one after another, then answering. Its {@link
 * Threading} model decides how many requests are served at once (each holding a thread until it
 * answers) and how many CPU bursts run at once; the rest wait in arrival order. Event-driven on c
 * cores with mean demand s saturates at c/s requests per second; a pool of N blocking workers at
 * min(c/s, N/(s + time waiting on the data tier)).
 *
 * <p>The answer goes to {@code replyTo} of the request: the dispatcher in proxy mode, the client in
 * handoff mode (when the dispatcher is also told that the request has finished).
 */
public final class AppServer extends AbstractBehavior<AppServer.Command> implements Mobile<AppServer.State> {

  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "app-server");

  /** How often pending data calls are checked against their timeout. */
  static final Duration DATA_TIMEOUT_CHECK = Duration.ofMillis(50);

  public interface Command extends CborSerializable {}

  /**
   * Serve one request. {@code ticket} is the dispatcher's; the answer carries {@code requestId};
   * {@code finishedTo} (the dispatcher's) is told {@link Finished} in handoff mode and is null in
   * proxy mode.
   */
  public record Serve(
      long ticket,
      long requestId,
      Operation operation,
      long key,
      ActorRef<Reply> replyTo,
      ActorRef<Finished> finishedTo)
      implements Command, Traffic.Carried {
    @Override
    public Traffic traffic() {
      return Traffic.REQUEST;
    }
  }

  private record DemandServed(long job) implements Command {}

  private record DataAnswered(DataServer.Answer answer) implements Command {}

  private record DataServersChanged(Receptionist.Listing listing) implements Command {}

  private enum CheckDataTimeouts implements Command {
    INSTANCE
  }

  /** A request this server holds, and which of its data calls is under way. */
  private static final class Job {
    final Serve request;
    boolean holdsThread;
    int callsMade;
    /** The version the first data call saw, -1 before it answered. */
    long version = -1;
    /** The data VM the call under way went to. */
    String calling;
    long callSent;
    long callDeadline;

    Job(Serve request) {
      this.request = request;
    }
  }

  /** One request held, as it moves: its times as ages, since clocks differ between JVMs. */
  public record JobState(
      long id, Serve request, boolean holdsThread, int callsMade, long version, String calling, long callAgeNanos, long deadlineInNanos)
      implements CborSerializable {}

  /**
   * Everything an app server holds, as it moves with its VM: its requests and how far each has
   * got, the queues for threads and cores, and the counts. Completions of CPU work and data
   * answers still on their way reach the old place and are forwarded, and find their job here.
   */
  public record State(
      List<JobState> jobs,
      List<Long> waitingForThread,
      List<Long> waitingToRun,
      int requestsServed,
      int running,
      long nextJob,
      List<String> liveDataVms,
      ComponentCounters.Snapshot counters)
      implements CborSerializable {}

  /** @param partitioning which data VM owns each key */
  public static Behavior<Command> create(
      AppServerSettings settings, Machine machine, ComponentCounters counters, Partitioning partitioning) {
    return create(settings, machine, counters, partitioning, null);
  }

  /** An app server that begins from {@code restored} (null: with nothing held). */
  public static Behavior<Command> create(
      AppServerSettings settings, Machine machine, ComponentCounters counters, Partitioning partitioning, State restored) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new AppServer(context, timers, settings, machine, counters, partitioning, restored)));
  }

  @Override
  public State capture() {
    long now = time.nanoTime();
    List<JobState> held = new ArrayList<>();
    jobs.forEach(
        (id, job) ->
            held.add(
                new JobState(id, job.request, job.holdsThread, job.callsMade, job.version, job.calling, now - job.callSent, job.callDeadline - now)));
    return new State(
        held, List.copyOf(waitingForThread), List.copyOf(waitingToRun), requestsServed, running, nextJob,
        List.copyOf(liveDataVms), counters.snapshot());
  }

  private void restore(State state) {
    long now = time.nanoTime();
    for (JobState held : state.jobs()) {
      Job job = new Job(held.request());
      job.holdsThread = held.holdsThread();
      job.callsMade = held.callsMade();
      job.version = held.version();
      job.calling = held.calling();
      job.callSent = now - held.callAgeNanos();
      job.callDeadline = now + held.deadlineInNanos();
      jobs.put(held.id(), job);
    }
    waitingForThread.addAll(state.waitingForThread());
    waitingToRun.addAll(state.waitingToRun());
    requestsServed = state.requestsServed();
    running = state.running();
    nextJob = state.nextJob();
    liveDataVms = Set.copyOf(state.liveDataVms());
    counters.restore(state.counters());
  }

  private final AppServerSettings settings;
  private final Machine machine;
  /** Emulated time: the clock and the timers run slower under time dilation. */
  private final TimeDilation time;
  private final ComponentCounters counters;
  private final Partitioning partitioning;
  private final SplittableRandom random;
  private final ActorRef<Command> self;
  private final ActorRef<DataServer.Answer> answerInbox;
  private final Map<Long, Job> jobs = new HashMap<>();
  /** Requests held but waiting for a thread, and CPU bursts waiting for a running thread. */
  private final ArrayDeque<Long> waitingForThread = new ArrayDeque<>();
  private final ArrayDeque<Long> waitingToRun = new ArrayDeque<>();
  private final int threadsForRequests;
  private final int runningThreads;
  private int requestsServed;
  private int running;
  /** A CPU burst of no demand is being served within the message at hand (see {@link #run}). */
  private boolean servingAtOnce;
  /** The data VMs the receptionist lists now, by name. */
  private Set<String> liveDataVms = Set.of();
  private long nextJob;

  private AppServer(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      AppServerSettings settings,
      Machine machine,
      ComponentCounters counters,
      Partitioning partitioning,
      State restored) {
    super(context);
    this.settings = settings;
    this.machine = machine;
    this.time = machine.time();
    this.counters = counters;
    this.partitioning = partitioning;
    this.random = new SplittableRandom(settings.seed());
    this.self = context.getSelf();
    this.threadsForRequests = settings.threadsHeldPerRequest(machine.cores());
    this.runningThreads = settings.runningThreads(machine.cores());
    this.answerInbox = context.messageAdapter(DataServer.Answer.class, DataAnswered::new);
    context
        .getSystem()
        .receptionist()
        .tell(
            Receptionist.subscribe(
                DataServer.SERVICE_KEY,
                context.messageAdapter(Receptionist.Listing.class, DataServersChanged::new)));
    timers.startTimerWithFixedDelay(CheckDataTimeouts.INSTANCE, time.real(DATA_TIMEOUT_CHECK));
    if (restored != null) {
      restore(restored);
    }
    machine.carry(this);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Serve.class, this::onServe)
        .onMessage(DemandServed.class, this::onDemandServed)
        .onMessage(DataAnswered.class, this::onDataAnswered)
        .onMessage(DataServersChanged.class, this::onDataServersChanged)
        .onMessageEquals(CheckDataTimeouts.INSTANCE, this::onCheckDataTimeouts)
        .build();
  }

  private Behavior<Command> onServe(Serve request) {
    counters.received();
    if (jobs.size() >= settings.queueCapacity()) {
      counters.rejected();
      answer(request, Reply.failed(request.requestId(), FailureReason.APP_SERVER_QUEUE_FULL));
      return this;
    }
    long job = nextJob++;
    jobs.put(job, new Job(request));
    if (requestsServed < threadsForRequests) {
      serve(job);
    } else {
      waitingForThread.add(job);
    }
    return this;
  }

  /** A thread takes up the request: it runs the service demand first. */
  private void serve(long job) {
    jobs.get(job).holdsThread = true;
    requestsServed++;
    if (running < runningThreads) {
      run(job);
    } else {
      waitingToRun.add(job);
    }
  }

  private void run(long job) {
    running++;
    long demand = settings.demand().sampleNanos(random);
    if (!servingAtOnce && machine.computesAtOnce(demand)) {
      // No demand: straight on, in this message. One level only: a job this one's end starts
      // (no data calls, a thread freed) goes through the mailbox, so the stack cannot grow.
      servingAtOnce = true;
      try {
        onDemandServed(new DemandServed(job));
      } finally {
        servingAtOnce = false;
      }
      return;
    }
    machine.compute(demand, self, new DemandServed(job));
  }

  private Behavior<Command> onDemandServed(DemandServed served) {
    running--;
    Long next = waitingToRun.poll();
    if (next != null) {
      run(next);
    }
    Job job = jobs.get(served.job());
    if (job != null) {
      nextDataCallOrFinish(served.job(), job);
    }
    return this;
  }

  private Behavior<Command> onDataAnswered(DataAnswered message) {
    DataServer.Answer answer = message.answer();
    Job job = jobs.get(answer.job());
    if (job == null || job.calling == null || answer.call() != job.callsMade - 1) {
      return this; // a late answer for a call that already timed out
    }
    job.calling = null;
    counters.callAnswered(time.nanoTime() - job.callSent);
    if (answer.call() == 0) {
      job.version = answer.version();
    }
    if (!answer.ok()) {
      finish(answer.job(), Reply.failed(job.request.requestId(), answer.failure()));
      return this;
    }
    nextDataCallOrFinish(answer.job(), job);
    return this;
  }

  private void nextDataCallOrFinish(long jobId, Job job) {
    if (job.callsMade == settings.dataCalls()) {
      finish(jobId, Reply.ok(job.request.requestId(), job.version));
      return;
    }
    long key = job.request.key() + job.callsMade;
    List<String> holders = partitioning.holders(key);
    if (holders.isEmpty()) {
      finish(jobId, Reply.failed(job.request.requestId(), FailureReason.NO_DATA_SERVER));
      return;
    }
    // The owner while it is there, else its backup (with replication): never a server without the key.
    String holder = null;
    for (String candidate : holders) { // a loop, not a stream: this runs for every data call
      if (liveDataVms.contains(candidate)) {
        holder = candidate;
        break;
      }
    }
    if (holder == null) {
      finish(jobId, Reply.failed(job.request.requestId(), FailureReason.DATA_UNAVAILABLE));
      return;
    }
    job.calling = holder;
    job.callSent = time.nanoTime();
    job.callDeadline = job.callSent + settings.dataTimeout().toNanos();
    boolean sent = machine.sendToVm(holder, new DataServer.Access(jobId, job.callsMade, job.request.operation(), key, answerInbox));
    job.callsMade++;
    if (!sent) {
      finish(jobId, Reply.failed(job.request.requestId(), FailureReason.DATA_SERVER_LOST));
    }
  }

  private Behavior<Command> onDataServersChanged(DataServersChanged changed) {
    Set<String> present = new HashSet<>();
    for (ActorRef<DataServer.Command> server : changed.listing().getServiceInstances(DataServer.SERVICE_KEY)) {
      present.add(machine.vmOf(server));
    }
    liveDataVms = Set.copyOf(present);
    failJobsWhere(job -> job.calling != null && !present.contains(job.calling), FailureReason.DATA_SERVER_LOST);
    return this;
  }

  private Behavior<Command> onCheckDataTimeouts() {
    long now = time.nanoTime();
    failJobsWhere(job -> job.calling != null && now - job.callDeadline >= 0, FailureReason.DATA_TIMEOUT);
    return this;
  }

  private void failJobsWhere(java.util.function.Predicate<Job> condition, String reason) {
    List<Long> failing = new ArrayList<>();
    jobs.forEach(
        (id, job) -> {
          if (condition.test(job)) {
            failing.add(id);
          }
        });
    for (long id : failing) {
      finish(id, Reply.failed(jobs.get(id).request.requestId(), reason));
    }
  }

  private void finish(long jobId, Reply reply) {
    Job job = jobs.remove(jobId);
    if (job.holdsThread) {
      requestsServed--;
      Long next = waitingForThread.poll();
      if (next != null) {
        serve(next);
      }
    }
    if (reply.ok()) {
      counters.completed();
    } else {
      counters.failed();
    }
    answer(job.request, reply);
  }

  private void answer(Serve request, Reply reply) {
    machine.send(request.replyTo(), reply);
    if (request.finishedTo() != null) {
      machine.send(request.finishedTo(), new Finished(request.ticket(), reply.ok()));
    }
  }
}
