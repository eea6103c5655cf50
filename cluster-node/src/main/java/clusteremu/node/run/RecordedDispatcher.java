package clusteremu.node.run;

import clusteremu.tiers.dispatcher.DispatcherSettings;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;

/** A dispatcher as launched: {@link DispatcherSettings}, durations in ms (README, "What a run writes"). */
public record RecordedDispatcher(
    String name,
    String node,
    String host,
    int cores,
    Mode mode,
    PolicyName policy,
    double requestDemandMs,
    double replyDemandMs,
    int queueCapacity,
    int maxQueue,
    double serverTimeoutMs,
    int retries,
    boolean retryWrites,
    long seed)
    implements RecordedComponent {

  public static RecordedDispatcher of(String name, String node, String host, int cores, DispatcherSettings s) {
    return new RecordedDispatcher(
        name, node, host, cores, s.mode(), s.policy(), Millis.of(s.requestDemand()), Millis.of(s.replyDemand()), s.queueCapacity(), s.maxQueue(),
        Millis.of(s.serverTimeout()), s.retries(), s.retryWrites(), s.seed());
  }

  public long requestDemandNanos() {
    return Millis.nanos(requestDemandMs);
  }

  public long replyDemandNanos() {
    return Millis.nanos(replyDemandMs);
  }
}
