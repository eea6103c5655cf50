package clusteremu.tiers.appserver;

import clusteremu.tiers.demand.Demand;
import clusteremu.tiers.settings.Checked;
import com.typesafe.config.Config;
import java.time.Duration;

/**
 * An app server's settings, from the {@code clusteremu.app-server} block.
 *
 * @param demand emulated CPU time per request, drawn from a distribution
 * @param dataCalls calls to the data tier per request, made one after another
 * @param queueCapacity requests held at once; one more is rejected with {@code
 *     app-server-queue-full}
 * @param dataTimeout how long one data call may take before the request fails with {@code
 *     data-timeout}
 * @param threading how threads serve requests
 * @param workers threads of the {@code thread-pool} model
 * @param eventLoops threads of the {@code event-driven} model; 0 = one per core
 */
public record AppServerSettings(
    Demand demand,
    int dataCalls,
    int queueCapacity,
    Duration dataTimeout,
    long seed,
    Threading threading,
    int workers,
    int eventLoops) {

  /** Requests served at once (each holding a thread); the rest wait for one. */
  public int threadsHeldPerRequest(int cores) {
    return switch (threading) {
      case SINGLE_THREADED -> 1;
      case THREAD_POOL -> workers;
      case EVENT_DRIVEN -> Integer.MAX_VALUE;
    };
  }

  /** CPU bursts that may run at once on a machine of {@code cores} cores. */
  public int runningThreads(int cores) {
    return switch (threading) {
      case SINGLE_THREADED -> 1;
      case THREAD_POOL -> workers;
      case EVENT_DRIVEN -> eventLoops == 0 ? cores : eventLoops;
    };
  }

  public static AppServerSettings fromConfig(Config appServer) {
    return new AppServerSettings(
        Demand.fromConfig(appServer, "demand"),
        Checked.nonNegativeInt(appServer, "data-calls"),
        Checked.positiveInt(appServer, "queue-capacity"),
        Checked.positiveDuration(appServer, "data-timeout"),
        appServer.getLong("seed"),
        Checked.oneOf(appServer, "threading", Threading.class),
        Checked.positiveInt(appServer, "workers"),
        Checked.nonNegativeInt(appServer, "event-loops"));
  }
}
