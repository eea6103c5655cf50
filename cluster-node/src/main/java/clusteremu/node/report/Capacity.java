package clusteremu.node.report;

import clusteremu.node.datacenter.VmSpec;
import java.util.ArrayList;
import java.util.List;

import clusteremu.node.datacenter.ComponentKind;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.tiers.appserver.AppServerSettings;
import clusteremu.tiers.dataserver.DataServerSettings;
import clusteremu.tiers.dispatcher.DispatcherSettings;
import clusteremu.tiers.dispatcher.Mode;
import com.typesafe.config.Config;

/**
 * What the model predicts a scenario carries at saturation, in requests per second: each tier's
 * capacity is the sum over its servers of cores / demand per request, and the cluster carries
 * the least of its tiers. The dispatcher pays for forwarding each request and, in proxy mode,
 * for relaying each reply: cores / (d_request + d_reply) against cores / d_request in handoff.
 * A data tier with replication 2 applies each write twice, at the scenario's read ratio. A tier
 * with no demand has no limit here ({@code Double.POSITIVE_INFINITY}).
 */
public record Capacity(double dispatcherProxy, double dispatcherHandoff, double appTier, double dataTier) {

  public static Capacity of(Scenario scenario) {
    return of(scenario, 0);
  }

  /** A component where it runs: its settings and the cores (or, in a VM, vCPUs) it has. */
  private record Placed(ComponentKind kind, Config settings, int cores) {}

  /** Every component of the scenario: on its node, or in a datacenter as the guest of its VM. */
  private static List<Placed> placed(Scenario scenario) {
    List<Placed> placed = new ArrayList<>();
    if (scenario.datacenter().isPresent()) {
      // VMs by name, as nodes are by port: dispatchersUsed counts the first ones.
      for (VmSpec vm : scenario.datacenter().get().vms().values()) {
        vm.guest().ifPresent(kind -> placed.add(new Placed(kind, vm.guestSettings(), vm.vcpus())));
      }
      return placed;
    }
    for (NodeSpec node : scenario.nodes()) {
      for (ComponentKind kind : node.components()) {
        Config settings = node.componentSettings(kind);
        placed.add(new Placed(kind, settings, settings.getInt("cores")));
      }
    }
    return placed;
  }

  /** With the load spread over only the first {@code dispatchersUsed} dispatchers by port (0: all), as the driver does. */
  public static Capacity of(Scenario scenario, int dispatchersUsed) {
    int dispatchersCounted = 0;
    double proxy = 0;
    double handoff = 0;
    double app = 0;
    double data = 0;
    double dataCallsPerRequest = 0;
    int appServers = 0;
    for (Placed placed : placed(scenario)) {
      {
        ComponentKind kind = placed.kind();
        Config settings = placed.settings();
        int cores = placed.cores();
        switch (kind) {
          case DISPATCHER -> {
            if (dispatchersUsed > 0 && dispatchersCounted++ >= dispatchersUsed) {
              continue;
            }
            DispatcherSettings d = DispatcherSettings.fromConfig(settings);
            proxy += perSecond(cores, d.requestDemand().toNanos() + d.replyDemand().toNanos());
            handoff += perSecond(cores, d.requestDemand().toNanos());
          }
          case APP_SERVER -> {
            AppServerSettings a = AppServerSettings.fromConfig(settings);
            // The CPU bound: the cores its threads can keep busy (blocking on data calls aside).
            app += perSecond(Math.min(cores, a.runningThreads(cores)), a.demand().meanNanos());
            dataCallsPerRequest += a.dataCalls();
            appServers++;
          }
          case DATA_SERVER -> data += perSecond(cores, DataServerSettings.fromConfig(settings).demand().meanNanos());
        }
      }
    }
    double calls = appServers == 0 ? 0 : dataCallsPerRequest / appServers;
    // With replication, a write is applied by each holder: (1 - read ratio) (r - 1) accesses more per call.
    int replication = scenario.config().getInt("clusteremu.data-server.replication");
    double accessesPerCall = 1 + (1 - scenario.config().getDouble("clusteremu.driver.read-ratio")) * (replication - 1);
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
