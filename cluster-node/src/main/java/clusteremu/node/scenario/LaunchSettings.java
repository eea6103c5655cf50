package clusteremu.node.scenario;

import clusteremu.node.datacenter.ComponentKind;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.run.RecordedAppServer;
import clusteremu.node.run.RecordedComponent;
import clusteremu.node.run.RecordedDataServer;
import clusteremu.node.run.RecordedDispatcher;
import clusteremu.node.run.RecordedDriver;
import clusteremu.node.run.RunSettings;
import clusteremu.tiers.appserver.AppServerSettings;
import clusteremu.tiers.dataserver.DataServerSettings;
import clusteremu.tiers.dispatcher.DispatcherSettings;
import clusteremu.tiers.driver.LoadSettings;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings a scenario launches its components with, as settings.json records them: the one
 * derivation of them from configuration. The launcher writes it into the run; the report reads
 * it back; an experiment takes it before launch for its predicted capacity.
 */
public final class LaunchSettings {
  private LaunchSettings() {}

  public static RunSettings of(Scenario scenario) {
    Config emu = scenario.config().getConfig("clusteremu");
    return new RunSettings(
        scenario.name(),
        emu.getInt("data-server.replication"),
        RecordedDriver.of(LoadSettings.fromConfig(emu.getConfig("driver"))),
        components(scenario),
        scenario.timeDilation().factor());
  }

  /** In a datacenter each guest with its VM's settings and vCPUs, VMs by name; else each node's components, nodes by port. */
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
        // Each node is one host named after it, its components VMs of `cores` vCPUs (OneHostPerNode).
        components.add(component(kind, OneHostPerNode.vmName(node, kind), node.name(), node.name(), settings.getInt("cores"), settings));
      }
    }
    return components;
  }

  /** The settings the component is built with (as Guests builds them from the same block), recorded. */
  private static RecordedComponent component(ComponentKind kind, String name, String node, String host, int cores, Config settings) {
    return switch (kind) {
      case DISPATCHER -> RecordedDispatcher.of(name, node, host, cores, DispatcherSettings.fromConfig(settings));
      case APP_SERVER -> RecordedAppServer.of(name, node, host, cores, AppServerSettings.fromConfig(settings));
      case DATA_SERVER -> RecordedDataServer.of(name, node, host, cores, DataServerSettings.fromConfig(settings));
    };
  }
}
