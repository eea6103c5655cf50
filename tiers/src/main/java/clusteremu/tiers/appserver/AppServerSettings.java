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
 */
public record AppServerSettings(
    Demand demand, int dataCalls, int queueCapacity, Duration dataTimeout, long seed) {

  public static AppServerSettings fromConfig(Config appServer) {
    return new AppServerSettings(
        Demand.fromConfig(appServer, "demand"),
        Checked.nonNegativeInt(appServer, "data-calls"),
        Checked.positiveInt(appServer, "queue-capacity"),
        Checked.positiveDuration(appServer, "data-timeout"),
        appServer.getLong("seed"));
  }
}
