package clusteremu.node.run;

import clusteremu.tiers.dataserver.DataServerSettings;

/** A data server as launched: {@link DataServerSettings}. Replication is the cluster's ({@link RunSettings}). */
public record RecordedDataServer(String name, String node, String host, int cores, RecordedDemand demand, int queueCapacity, long seed)
    implements RecordedComponent {

  public static RecordedDataServer of(String name, String node, String host, int cores, DataServerSettings s) {
    return new RecordedDataServer(name, node, host, cores, RecordedDemand.of(s.demand()), s.queueCapacity(), s.seed());
  }
}
