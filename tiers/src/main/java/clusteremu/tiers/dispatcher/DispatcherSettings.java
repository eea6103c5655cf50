package clusteremu.tiers.dispatcher;

import clusteremu.tiers.settings.Checked;
import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The dispatcher's settings, from the {@code clusteremu.dispatcher} block.
 *
 * @param queueCapacity requests the dispatcher holds at once (waiting for its CPU or for an app
 *     server's answer); one more is rejected at once with {@code dispatcher-queue-full}
 * @param requestDemand emulated CPU time to forward one request
 * @param replyDemand emulated CPU time to relay one reply (proxy mode only)
 */
public record DispatcherSettings(
    Mode mode,
    PolicyName policy,
    int queueCapacity,
    Duration requestDemand,
    Duration replyDemand,
    long seed) {

  public static DispatcherSettings fromConfig(Config dispatcher) {
    return new DispatcherSettings(
        Checked.oneOf(dispatcher, "mode", Mode.class),
        Checked.oneOf(dispatcher, "policy", PolicyName.class),
        Checked.positiveInt(dispatcher, "queue-capacity"),
        Checked.nonNegativeDuration(dispatcher, "request-demand"),
        Checked.nonNegativeDuration(dispatcher, "reply-demand"),
        dispatcher.getLong("seed"));
  }
}
