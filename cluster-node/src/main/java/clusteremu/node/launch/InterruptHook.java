package clusteremu.node.launch;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What Ctrl-C or SIGTERM does to a command that is a member of the cluster (the driver, the
 * experiment runner): it tells the command to stop early, then holds the JVM until the command
 * has finished (written what it measured and left the cluster), or {@code wait} has passed.
 *
 * <p>The hook is registered with coordinated shutdown, not with the JVM alone: Artery's own
 * shutdown hook waits only for those, and would otherwise close remoting at once, losing the
 * answers still on their way and the requests sent since the signal.
 */
public final class InterruptHook {
  private InterruptHook() {}

  /** Registers the hook; cancel it once the command has finished without a signal. */
  public static Cancellable register(ActorSystem<?> system, Runnable onSignal, CountDownLatch finished, Duration wait) {
    return CoordinatedShutdown.get(system)
        .addCancellableJvmShutdownHook(
            () -> {
              onSignal.run();
              try {
                finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }
}
