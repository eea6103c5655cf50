package clusteremu.node.experiment;

import clusteremu.tiers.driver.Driver;
import clusteremu.tiers.machine.Outbound;
import clusteremu.tiers.driver.LoadSettings;
import clusteremu.tiers.time.TimeDilation;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The guardian of the experiment's driver JVM: runs each phase as a fresh {@link Driver}, one at a
 * time, and stops it once its outcome is in, so phases share one cluster membership but nothing
 * else.
 */
final class PhaseRunner {
  private PhaseRunner() {}

  interface Command {}

  /** Runs one phase; what became of it goes to {@code replyTo}. */
  record RunPhase(LoadSettings load, Driver.Output output, ActorRef<Driver.Outcome> replyTo) implements Command {}

  /** Stops the phase under way early (Ctrl-C), so that it still writes what it has. */
  enum InterruptPhase implements Command {
    INSTANCE
  }

  private record PhaseOver(Driver.Outcome outcome) implements Command {}

  /**
   * @param network how the phases' requests reach the dispatchers
   * @param time the scenario's time dilation, in which the phases' loads are given
   */
  static Behavior<Command> create(Outbound network, TimeDilation time) {
    return Behaviors.setup(context -> idle(context, new Phases(network, time), context.messageAdapter(Driver.Outcome.class, PhaseOver::new)));
  }

  /** What every phase's driver is made with. */
  private record Phases(Outbound network, TimeDilation time) {}

  /** Between phases: an interrupt has nothing to stop. */
  private static Behavior<Command> idle(ActorContext<Command> context, Phases phases, ActorRef<Driver.Outcome> outcomes) {
    return Behaviors.receive(Command.class)
        .onMessage(
            RunPhase.class,
            run -> running(context, phases, outcomes, context.spawnAnonymous(Driver.create(run.load(), run.output(), outcomes, phases.network(), phases.time())), run.replyTo()))
        .onMessageEquals(InterruptPhase.INSTANCE, Behaviors::same)
        .build();
  }

  private static Behavior<Command> running(
      ActorContext<Command> context,
      Phases phases,
      ActorRef<Driver.Outcome> outcomes,
      ActorRef<Driver.Command> driver,
      ActorRef<Driver.Outcome> replyTo) {
    return Behaviors.receive(Command.class)
        .onMessage(
            PhaseOver.class,
            over -> {
              context.stop(driver);
              replyTo.tell(over.outcome());
              return idle(context, phases, outcomes);
            })
        .onMessageEquals(
            InterruptPhase.INSTANCE,
            () -> {
              driver.tell(Driver.Interrupt.INSTANCE);
              return Behaviors.same();
            })
        .build();
  }
}
