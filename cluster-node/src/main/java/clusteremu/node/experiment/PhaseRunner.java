package clusteremu.node.experiment;

import clusteremu.tiers.driver.Driver;
import clusteremu.tiers.machine.Outbound;
import clusteremu.tiers.driver.LoadSettings;
import clusteremu.tiers.driver.Summary;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The guardian of the experiment's driver JVM: runs each phase as a fresh {@link Driver} and stops
 * it once its summary is in, so phases share one cluster membership but nothing else.
 */
final class PhaseRunner {
  private PhaseRunner() {}

  interface Command {}

  /** Runs one phase; its summary completes {@code result}. */
  record RunPhase(LoadSettings load, Driver.Output output, CompletableFuture<Summary> result) implements Command {}

  /** Stops the phase under way early (Ctrl-C), so that it still writes what it has. */
  enum InterruptPhase implements Command {
    INSTANCE
  }

  private record PhaseOver(ActorRef<Driver.Command> driver) implements Command {}

  /** @param network how the phases' requests reach the dispatchers */
  static Behavior<Command> create(Outbound network) {
    return Behaviors.setup(
        context -> {
          ActorRef<?>[] current = new ActorRef<?>[1];
          return Behaviors.receive(Command.class)
              .onMessage(
                  RunPhase.class,
                  run -> {
                    ActorRef<Driver.Command> driver = context.spawnAnonymous(Driver.create(run.load(), run.output(), run.result(), network));
                    current[0] = driver;
                    context.pipeToSelf(run.result(), (summary, failure) -> new PhaseOver(driver));
                    return Behaviors.same();
                  })
              .onMessage(
                  PhaseOver.class,
                  over -> {
                    context.stop(over.driver());
                    return Behaviors.same();
                  })
              .onMessageEquals(
                  InterruptPhase.INSTANCE,
                  () -> {
                    if (current[0] != null) {
                      @SuppressWarnings("unchecked")
                      ActorRef<Driver.Command> driver = (ActorRef<Driver.Command>) current[0];
                      driver.tell(Driver.Interrupt.INSTANCE);
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
