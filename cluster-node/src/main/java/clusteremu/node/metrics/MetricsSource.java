package clusteremu.node.metrics;

import java.util.List;
import java.util.Map;

/**
 * Something besides the components that has lines for the metrics log each interval (the
 * datacenter's hosts, VMs, links and TLP). Each line names its {@code component} and {@code
 * kind}; the log adds the time and the node.
 */
public interface MetricsSource {
  /** The lines for the interval just ended, {@code seconds} long. */
  List<Map<String, Object>> lines(double seconds);
}
