package clusteremu.tiers.driver;

import clusteremu.tiers.dispatcher.Dispatcher;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The driver's view of the dispatchers, through the receptionist: before the load it waits for
 * dispatchers to join and, when a mode or policy was asked for, for each of them to confirm it;
 * then it tells the driver {@link Ready}, or {@link GaveUp} after {@code wait}. During the load it
 * tells the driver every change, so that it can fail what went through a dispatcher that left.
 *
 * <p>An actor of its own because the handshake is a conversation of its own; its messages to the
 * driver are rare, so the hop costs the load nothing.
 */
final class DispatcherDirectory {

  /** What the directory tells the driver; in the driver's protocol, so no adapter is needed. */
  sealed interface Event extends Driver.Command {}

  /** Dispatchers are there (and in the requested mode/policy): the load can start. Sorted by address. */
  record Ready(List<ActorRef<Dispatcher.Command>> dispatchers) implements Event {}

  /** The dispatchers now, after one joined or left; sorted by address. */
  record Changed(List<ActorRef<Dispatcher.Command>> dispatchers) implements Event {}

  /** No dispatchers, or no confirmation from them, within the wait: why, in words. */
  record GaveUp(String reason) implements Event {}

  interface Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private record Confirmed(Dispatcher.Reconfigured reconfigured) implements Command {}

  private enum GiveUp implements Command {
    INSTANCE
  }

  /**
   * @param mode to switch every dispatcher to before the load, or null to keep theirs
   * @param policy likewise
   * @param progress where each dispatcher's confirmation is reported
   */
  static Behavior<Command> create(
      Mode mode, PolicyName policy, Duration wait, Consumer<String> progress, ActorRef<Event> driver) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  context
                      .getSystem()
                      .receptionist()
                      .tell(
                          Receptionist.subscribe(
                              Dispatcher.SERVICE_KEY, context.messageAdapter(Receptionist.Listing.class, Listed::new)));
                  timers.startSingleTimer(GiveUp.INSTANCE, wait);
                  return new DispatcherDirectory(context, timers, mode, policy, wait, progress, driver).waiting();
                }));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Mode mode;
  private final PolicyName policy;
  private final Duration wait;
  private final Consumer<String> progress;
  private final ActorRef<Event> driver;
  /** The dispatchers listed last, and how many confirmations of the mode/policy are still due. */
  private List<ActorRef<Dispatcher.Command>> dispatchers = List.of();
  private int confirmationsDue;

  private DispatcherDirectory(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Mode mode,
      PolicyName policy,
      Duration wait,
      Consumer<String> progress,
      ActorRef<Event> driver) {
    this.context = context;
    this.timers = timers;
    this.mode = mode;
    this.policy = policy;
    this.wait = wait;
    this.progress = progress;
    this.driver = driver;
  }

  private Behavior<Command> waiting() {
    return Behaviors.receive(Command.class)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Confirmed.class, this::onConfirmed)
        .onMessageEquals(GiveUp.INSTANCE, this::onGiveUp)
        .build();
  }

  private Behavior<Command> onListed(Listed listed) {
    dispatchers = sorted(listed.listing());
    if (dispatchers.isEmpty() || confirmationsDue > 0) {
      return Behaviors.same();
    }
    if (mode == null && policy == null) {
      return ready();
    }
    confirmationsDue = dispatchers.size();
    ActorRef<Dispatcher.Reconfigured> acks = context.messageAdapter(Dispatcher.Reconfigured.class, Confirmed::new);
    for (ActorRef<Dispatcher.Command> dispatcher : dispatchers) {
      dispatcher.tell(new Dispatcher.Reconfigure(mode, policy, acks));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onConfirmed(Confirmed confirmed) {
    Dispatcher.Reconfigured now = confirmed.reconfigured();
    progress.accept(
        "dispatcher now in mode " + now.mode().configName() + ", policy " + now.policy().configName()
            + ", with " + now.appServers() + " app server(s)");
    return --confirmationsDue == 0 ? ready() : Behaviors.same();
  }

  private Behavior<Command> onGiveUp() {
    driver.tell(
        new GaveUp(
            dispatchers.isEmpty()
                ? "no dispatcher joined the cluster within " + wait.toSeconds() + " s"
                : "dispatchers did not confirm the requested mode/policy within " + wait.toSeconds() + " s"));
    return Behaviors.stopped();
  }

  /** Hands the dispatchers listed last to the driver, then keeps it told of changes. */
  private Behavior<Command> ready() {
    timers.cancel(GiveUp.INSTANCE);
    driver.tell(new Ready(dispatchers));
    return Behaviors.receive(Command.class)
        .onMessage(
            Listed.class,
            listed -> {
              driver.tell(new Changed(sorted(listed.listing())));
              return Behaviors.same();
            })
        .build();
  }

  private static List<ActorRef<Dispatcher.Command>> sorted(Receptionist.Listing listing) {
    List<ActorRef<Dispatcher.Command>> refs = new ArrayList<>(listing.getServiceInstances(Dispatcher.SERVICE_KEY));
    refs.sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
    return List.copyOf(refs);
  }
}
