package clusteremu.node.launch;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Ends a command's own cluster member (the driver's, a benchmark's, an experiment's): it leaves the
 * cluster gracefully and its actor system terminates. Artery over TLS now and then does not finish
 * terminating (a known class of Pekko/Akka issues: TLS streams that never complete; seen once in
 * AcrossMachinesIT after the driver had written its summary). What the command measured is written
 * by then, so a member that does not finish within the bound is reported and the command goes on
 * (its JVM exits with the command) rather than failing, or leaving the cluster's nodes running.
 */
public final class MemberShutdown {
  /** How long a member gets to leave and terminate. */
  public static final Duration LIMIT = Duration.ofSeconds(30);

  private MemberShutdown() {}

  /** Returns whether the member terminated within {@link #LIMIT}; when not, says so on {@code err}, naming {@code who}. */
  public static boolean leave(ActorSystem<?> system, String who, PrintStream err) throws InterruptedException {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    try {
      system.getWhenTerminated().toCompletableFuture().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      err.println("clusteremu " + who + ": its own cluster member did not finish shutting down within " + LIMIT.toSeconds()
          + " s (" + e + "); what it measured is written, and it goes on");
      return false;
    }
  }
}
