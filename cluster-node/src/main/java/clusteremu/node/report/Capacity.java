package clusteremu.node.report;

import clusteremu.node.run.RecordedAppServer;
import clusteremu.node.run.RecordedComponent;
import clusteremu.node.run.RecordedDataServer;
import clusteremu.node.run.RecordedDispatcher;
import clusteremu.node.run.RunSettings;
import clusteremu.tiers.dispatcher.Mode;

/**
 * What the model predicts a cluster carries at saturation, in requests per second: each tier's
 * capacity is the sum over its servers of cores / demand per request, and the cluster carries
 * the least of its tiers. The dispatcher pays for forwarding each request and, in proxy mode,
 * for relaying each reply: cores / (d_request + d_reply) against cores / d_request in handoff.
 * A data tier with replication 2 applies each write twice, at the driver's default read ratio.
 * A tier with no demand has no limit here ({@code Double.POSITIVE_INFINITY}). Every figure comes
 * from the recorded settings ({@link RunSettings}), never from configuration.
 */
public record Capacity(double dispatcherProxy, double dispatcherHandoff, double appTier, double dataTier) {

  /** From the settings a run recorded, or a scenario's before launch ({@code LaunchSettings}): the same records either way. */
  public static Capacity of(RunSettings settings) {
    return of(settings, 0);
  }

  /** With the load spread over only the first {@code dispatchersUsed} dispatchers (0: all), as the driver does. */
  public static Capacity of(RunSettings settings, int dispatchersUsed) {
    int dispatchersCounted = 0;
    double proxy = 0;
    double handoff = 0;
    double app = 0;
    double data = 0;
    double dataCallsPerRequest = 0;
    int appServers = 0;
    for (RecordedComponent component : settings.components()) {
      int cores = component.cores();
      if (component instanceof RecordedDispatcher d) {
        if (dispatchersUsed > 0 && dispatchersCounted++ >= dispatchersUsed) {
          continue;
        }
        proxy += perSecond(cores, d.requestDemandNanos() + d.replyDemandNanos());
        handoff += perSecond(cores, d.requestDemandNanos());
      } else if (component instanceof RecordedAppServer a) {
        // The CPU bound: the cores its threads can keep busy (blocking on data calls aside).
        app += perSecond(Math.min(cores, a.runningThreads()), a.demand().meanNanos());
        dataCallsPerRequest += a.dataCalls();
        appServers++;
      } else if (component instanceof RecordedDataServer s) {
        data += perSecond(cores, s.demand().meanNanos());
      }
    }
    double calls = appServers == 0 ? 0 : dataCallsPerRequest / appServers;
    // With replication, a write is applied by each holder: (1 - read ratio) (r - 1) accesses more per call.
    double accessesPerCall = 1 + (1 - settings.driver().readRatio()) * (settings.replication() - 1);
    return new Capacity(proxy, handoff, app, calls == 0 ? Double.POSITIVE_INFINITY : data / (calls * accessesPerCall));
  }

  private static double perSecond(int cores, long demandNanos) {
    return demandNanos <= 0 ? Double.POSITIVE_INFINITY : cores * 1e9 / demandNanos;
  }

  public double dispatcher(Mode mode) {
    return mode == Mode.PROXY ? dispatcherProxy : dispatcherHandoff;
  }

  /** What the whole cluster carries in {@code mode}: its narrowest tier. */
  public double cluster(Mode mode) {
    return Math.min(dispatcher(mode), Math.min(appTier, dataTier));
  }

  /** Which tier limits the cluster in {@code mode}. */
  public String bottleneck(Mode mode) {
    double least = cluster(mode);
    if (least == dispatcher(mode)) {
      return "dispatcher";
    }
    return least == appTier ? "app tier" : "data tier";
  }
}
