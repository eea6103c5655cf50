package clusteremu.node.datacenter;

import clusteremu.tiers.machine.Traffic;
import com.typesafe.config.Config;
import java.util.EnumMap;
import java.util.Map;

/**
 * The emulated size of each kind of message, from {@code clusteremu.datacenter.message-sizes}:
 * what the network model charges, whatever Pekko really sends.
 */
public final class MessageSizes {
  private final Map<Traffic, Long> bytes = new EnumMap<>(Traffic.class);

  public MessageSizes(Config sizes, long pageBytes) {
    for (Traffic traffic : Traffic.values()) {
      if (traffic == Traffic.PAGE) {
        bytes.put(traffic, pageBytes);
        continue;
      }
      long size = sizes.getBytes(traffic.configName());
      if (size <= 0) {
        throw clusteremu.tiers.settings.Checked.bad(
            sizes, traffic.configName(), "expected a size above zero such as 1KiB, got " + size);
      }
      bytes.put(traffic, size);
    }
  }

  public long of(Traffic traffic) {
    return bytes.get(traffic);
  }
}
