package clusteremu.node.run;

import clusteremu.node.datacenter.ComponentKind;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.OneHostPerNode;
import clusteremu.node.scenario.Scenario;
import clusteremu.tiers.appserver.AppServerSettings;
import clusteremu.tiers.dataserver.DataServerSettings;
import clusteremu.tiers.dispatcher.DispatcherSettings;
import clusteremu.tiers.driver.LoadSettings;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings a run ran with, as {@code runs/<run>/settings.json} records them when the cluster
 * is launched: every component where it was placed with the settings it was built with, the
 * cluster's replication and the driver's defaults. Derived from a scenario once, here; the report
 * reads them back instead of deriving them again.
 *
 * @param components in the order the load counts dispatchers: nodes by port, or VMs by name
 */
public record RunSettings(String scenario, int replication, RecordedDriver driver, List<RecordedComponent> components) {

  public static RunSettings of(Scenario scenario) {
    Config emu = scenario.config().getConfig("clusteremu");
    return new RunSettings(
        scenario.name(), emu.getInt("data-server.replication"), RecordedDriver.of(LoadSettings.fromConfig(emu.getConfig("driver"))), components(scenario));
  }

  public List<RecordedDispatcher> dispatchers() {
    return components.stream().filter(RecordedDispatcher.class::isInstance).map(RecordedDispatcher.class::cast).toList();
  }

  /** In a datacenter each guest with its VM's settings and vCPUs; else each node's components with the node's settings. */
  private static List<RecordedComponent> components(Scenario scenario) {
    List<RecordedComponent> components = new ArrayList<>();
    if (scenario.datacenter().isPresent()) {
      Topology topology = scenario.datacenter().get();
      for (VmSpec vm : topology.vms().values()) {
        vm.guest().ifPresent(kind -> components.add(component(kind, vm.name(), topology.nodeOfHost().get(vm.host()), vm.host(), vm.vcpus(), vm.guestSettings())));
      }
      return components;
    }
    for (NodeSpec node : scenario.nodes()) {
      for (ComponentKind kind : node.components()) {
        Config settings = node.componentSettings(kind);
        // Each node is one host named after it (OneHostPerNode), its components VMs of `cores` vCPUs.
        components.add(component(kind, OneHostPerNode.vmName(node, kind), node.name(), node.name(), settings.getInt("cores"), settings));
      }
    }
    return components;
  }

  /** The settings the component is built with (as Guests builds them), recorded. */
  private static RecordedComponent component(ComponentKind kind, String name, String node, String host, int cores, Config settings) {
    return switch (kind) {
      case DISPATCHER -> RecordedDispatcher.of(name, node, host, cores, DispatcherSettings.fromConfig(settings));
      case APP_SERVER -> RecordedAppServer.of(name, node, host, cores, AppServerSettings.fromConfig(settings));
      case DATA_SERVER -> RecordedDataServer.of(name, node, host, cores, DataServerSettings.fromConfig(settings));
    };
  }
}
