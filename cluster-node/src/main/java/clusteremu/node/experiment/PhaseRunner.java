package clusteremu.node.experiment;

import clusteremu.tiers.driver.Driver;
import clusteremu.tiers.machine.Outbound;
import clusteremu.tiers.driver.LoadSettings;
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

  /** @param network how the phases' requests reach the dispatchers */
  static Behavior<Command> create(Outbound network) {
    return Behaviors.setup(context -> idle(context, network, context.messageAdapter(Driver.Outcome.class, PhaseOver::new)));
  }

  /** Between phases: an interrupt has nothing to stop. */
  private static Behavior<Command> idle(ActorContext<Command> context, Outbound network, ActorRef<Driver.Outcome> outcomes) {
    return Behaviors.receive(Command.class)
        .onMessage(
            RunPhase.class,
            run -> running(context, network, outcomes, context.spawnAnonymous(Driver.create(run.load(), run.output(), outcomes, network)), run.replyTo()))
        .onMessageEquals(InterruptPhase.INSTANCE, Behaviors::same)
        .build();
  }

  private static Behavior<Command> running(
      ActorContext<Command> context,
      Outbound network,
      ActorRef<Driver.Outcome> outcomes,
      ActorRef<Driver.Command> driver,
      ActorRef<Driver.Outcome> replyTo) {
    return Behaviors.receive(Command.class)
        .onMessage(
            PhaseOver.class,
            over -> {
              context.stop(driver);
              replyTo.tell(over.outcome());
              return idle(context, network, outcomes);
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
