package clusteremu.node.scenario;

import clusteremu.node.datacenter.ComponentKind;
import clusteremu.node.datacenter.HostSpec;
import clusteremu.node.datacenter.LinkSpec;
import clusteremu.node.datacenter.MessageSizes;
import clusteremu.node.datacenter.RackSpec;
import clusteremu.node.datacenter.RowSpec;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The machines of a scenario without a datacenter: each node is one host, named after the node,
 * with one VM per component it carries, as many vCPUs as the component's {@code cores}. VMs do
 * not share cores (the host has the sum of theirs) and context switches cost nothing, so each
 * component runs exactly as on a machine of its own; the network is not modelled. So every
 * guest runs on the same engine, VMs on hosts, whether or not the scenario draws a datacenter.
 */
public final class OneHostPerNode {
  /** Memory of each VM: only counted, and its pages are made on first write. */
  static final long VM_MEMORY = 256L << 20;

  private static final LinkSpec FREE = new LinkSpec(0, Double.MAX_VALUE);
  private static final String ROW = "row";
  private static final String RACK = "rack";

  private OneHostPerNode() {}

  /** The VM of component {@code kind} on node {@code node}: the node's name when it carries one component. */
  public static String vmName(NodeSpec node, ComponentKind kind) {
    return node.components().size() == 1 ? node.name() : node.name() + "-" + kind.configName();
  }

  public static Topology of(Scenario scenario) {
    Config dc = scenario.config().getConfig("clusteremu.datacenter");
    long pageBytes = dc.getBytes("page-size");
    Map<String, HostSpec> hosts = new TreeMap<>();
    Map<String, VmSpec> vms = new TreeMap<>();
    Map<String, String> nodeOfHost = new TreeMap<>();
    for (NodeSpec node : scenario.nodes()) {
      int cores = 0;
      for (ComponentKind kind : node.components()) {
        Config settings = node.componentSettings(kind);
        int vcpus = settings.getInt("cores");
        cores += vcpus;
        String name = vmName(node, kind);
        vms.put(name, new VmSpec(name, node.name(), vcpus, VM_MEMORY, VM_MEMORY / pageBytes, Optional.of(kind), settings, 0, 1));
      }
      if (cores == 0) {
        continue;
      }
      hosts.put(node.name(), new HostSpec(node.name(), ROW, RACK, cores, VM_MEMORY * node.components().size(), FREE));
      nodeOfHost.put(node.name(), node.name());
    }
    Map<String, RackSpec> racks = new LinkedHashMap<>();
    racks.put(RACK, new RackSpec(RACK, ROW, FREE, List.copyOf(new ArrayList<>(hosts.keySet()))));
    Map<String, RowSpec> rows = new LinkedHashMap<>();
    rows.put(ROW, new RowSpec(ROW, "", FREE, List.of(RACK)));
    return new Topology(
        rows, racks, hosts, vms, nodeOfHost, FREE, FREE, new MessageSizes(dc.getConfig("message-sizes"), pageBytes), pageBytes, 0);
  }
}
