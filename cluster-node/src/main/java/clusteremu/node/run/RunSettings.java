package clusteremu.node.run;

import java.util.List;

/**
 * The settings a run ran with, as {@code runs/<run>/settings.json} records them when the cluster
 * is launched: every component where it was placed with the settings it was built with, the
 * cluster's replication and the driver's defaults. Made from a scenario once, by {@code
 * LaunchSettings}; the report reads them back instead of deriving them again.
 *
 * @param components in the order the load counts dispatchers: VMs by name, or nodes by port
 * @param timeDilation the scenario's time dilation (null in a run recorded before it existed: 1)
 */
public record RunSettings(String scenario, int replication, RecordedDriver driver, List<RecordedComponent> components, Double timeDilation) {

  /** How many real seconds each emulated second of the run took (1: real time). */
  public double dilation() {
    return timeDilation == null ? 1 : timeDilation;
  }

  public List<RecordedDispatcher> dispatchers() {
    return components.stream().filter(RecordedDispatcher.class::isInstance).map(RecordedDispatcher.class::cast).toList();
  }
}
