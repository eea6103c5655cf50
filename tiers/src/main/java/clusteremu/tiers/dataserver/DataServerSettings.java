package clusteremu.tiers.dataserver;

import clusteremu.tiers.demand.Demand;
import clusteremu.tiers.settings.Checked;
import com.typesafe.config.Config;

/**
 * A data server's settings, from the {@code clusteremu.data-server} block.
 *
 * @param demand emulated CPU time per read or write
 * @param queueCapacity accesses held at once; one more is refused with {@code
 *     data-server-queue-full}
 */
public record DataServerSettings(Demand demand, int queueCapacity, long seed) {

  public static DataServerSettings fromConfig(Config dataServer) {
    return new DataServerSettings(
        Demand.fromConfig(dataServer, "demand"),
        Checked.positiveInt(dataServer, "queue-capacity"),
        dataServer.getLong("seed"));
  }
}
