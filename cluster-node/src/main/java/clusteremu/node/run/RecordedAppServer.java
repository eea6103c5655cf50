package clusteremu.node.run;

import clusteremu.tiers.appserver.AppServerSettings;
import clusteremu.tiers.appserver.Threading;

/**
 * An app server as launched: {@link AppServerSettings}, durations in ms, and {@code
 * runningThreads}, the CPU bursts its threading lets run at once on its cores (resolved here, so
 * a reader needs no threading rules).
 */
public record RecordedAppServer(
    String name,
    String node,
    String host,
    int cores,
    Threading threading,
    int workers,
    int eventLoops,
    int runningThreads,
    RecordedDemand demand,
    int dataCalls,
    int queueCapacity,
    double dataTimeoutMs,
    long seed)
    implements RecordedComponent {

  public static RecordedAppServer of(String name, String node, String host, int cores, AppServerSettings s) {
    return new RecordedAppServer(
        name, node, host, cores, s.threading(), s.workers(), s.eventLoops(), s.runningThreads(cores), RecordedDemand.of(s.demand()), s.dataCalls(),
        s.queueCapacity(), Millis.of(s.dataTimeout()), s.seed());
  }
}
