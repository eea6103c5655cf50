package clusteremu.tiers.dispatcher;

import clusteremu.tiers.settings.Checked;
import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The dispatcher's settings, from the {@code clusteremu.dispatcher} block.
 *
 * @param queueCapacity requests the dispatcher holds at once (waiting for its CPU or for an app
 *     server's answer); one more is rejected at once with {@code dispatcher-queue-full}
 * @param maxQueue requests at most that wait for the dispatcher's own CPU before it forwards
 *     them (HAProxy's maxqueue); one more is refused at once with {@code overloaded}, costing no
 *     CPU, so an overloaded dispatcher keeps serving at its capacity with a bounded wait. 0: no
 *     bound but the queue capacity
 * @param requestDemand emulated CPU time to forward one request
 * @param replyDemand emulated CPU time to relay one reply (proxy mode only)
 * @param serverTimeout a request an app server holds unanswered this long fails with {@code
 *     app-server-timeout} (proxy mode; in handoff mode the app server answers the client itself, so
 *     the request is left to it), and that server gets no new request until it answers one or this
 *     time has passed again (HAProxy's {@code timeout server} with {@code observe}); zero: no bound
 * @param retries how many times a request that failed because of its app server (lost, timed out,
 *     queue full) is sent again, to another app server (HAProxy's {@code retries} with {@code
 *     option redispatch}); proxy mode only, since in handoff mode the dispatcher does not see the
 *     answer (as an LVS director in direct routing does not)
 * @param retryWrites whether writes are retried too: a write whose app server was lost or slow may
 *     have reached the data tier already, so a retry may write it twice
 */
public record DispatcherSettings(
    Mode mode,
    PolicyName policy,
    int queueCapacity,
    int maxQueue,
    Duration requestDemand,
    Duration replyDemand,
    Duration serverTimeout,
    int retries,
    boolean retryWrites,
    long seed) {

  public static DispatcherSettings fromConfig(Config dispatcher) {
    return new DispatcherSettings(
        Checked.oneOf(dispatcher, "mode", Mode.class),
        Checked.oneOf(dispatcher, "policy", PolicyName.class),
        Checked.positiveInt(dispatcher, "queue-capacity"),
        Checked.nonNegativeInt(dispatcher, "max-queue"),
        Checked.nonNegativeDuration(dispatcher, "request-demand"),
        Checked.nonNegativeDuration(dispatcher, "reply-demand"),
        Checked.nonNegativeDuration(dispatcher, "server-timeout"),
        Checked.nonNegativeInt(dispatcher, "retries"),
        dispatcher.getBoolean("retry-writes"),
        dispatcher.getLong("seed"));
  }
}
