package clusteremu.node.cli;

import clusteremu.node.datacenter.HostSpec;
import clusteremu.node.datacenter.RackSpec;
import clusteremu.node.datacenter.RowSpec;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.emulation.HostLoad;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.status.NodeStatus;
import clusteremu.node.status.StatusFiles;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The datacenter as {@code cluster status} prints it: rows, racks, hosts and their VMs, with the
 * load of the last metrics interval from the status file of the node carrying each host, and
 * under each host the VMs that host runs now.
 */
final class DatacenterTree {
  private DatacenterTree() {}

  static void print(Topology topology, RunDirectory run, PrintStream out) {
    Map<String, HostLoad> hosts = new HashMap<>();
    Map<String, Long> inFlight = new HashMap<>();
    for (String node : new java.util.TreeSet<>(topology.nodeOfHost().values())) {
      Optional<NodeStatus> status = StatusFiles.read(run, node).filter(StatusFiles::fresh);
      status.ifPresent(s -> {
        s.hosts().forEach(h -> hosts.put(h.name(), h));
        inFlight.putAll(s.inFlight());
      });
    }
    out.println();
    for (RowSpec row : topology.rows().values()) {
      out.println(row.name() + (row.container().isEmpty() ? "" : "  (container " + row.container() + ")"));
      for (String rackName : row.racks()) {
        RackSpec rack = topology.racks().get(rackName);
        out.println("  rack " + rack.name());
        for (String hostName : rack.hosts()) {
          HostSpec host = topology.hosts().get(hostName);
          HostLoad live = hosts.get(hostName);
          out.printf(Locale.ROOT, "    host %-10s node %-10s %2d cores  %s%n", host.name(), topology.nodeOfHost().get(host.name()), host.cores(),
              live == null ? "(no status)" : String.format(Locale.ROOT, "cpu %3.0f%%  runnable %d", live.cpuUtilisation() * 100, live.runnable()));
          // Where the VMs run now, as the host's node reports it; the scenario's placement only without a report.
          List<VmSpec> vms =
              live == null
                  ? topology.vmsOn(host.name())
                  : live.vms().stream().map(v -> topology.vms().get(v.name())).filter(java.util.Objects::nonNull).toList();
          for (VmSpec vm : vms) {
            HostLoad.Vm vmLive = live == null ? null : live.vms().stream().filter(v -> v.name().equals(vm.name())).findFirst().orElse(null);
            out.printf(Locale.ROOT, "      vm %-14s %-12s %d vCPU %6d MiB  %s%n", vm.name(), vm.guest().map(g -> g.configName()).orElse("(no guest)"), vm.vcpus(), vm.memoryBytes() >> 20,
                vmLive == null ? "" : String.format(Locale.ROOT, "cpu %.2f cores  in flight %d  dirty %d pages", vmLive.cpuShare(), inFlight.getOrDefault(vm.name(), 0L), vmLive.dirtyPages()));
          }
        }
      }
    }
  }
}
