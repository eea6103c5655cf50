package clusteremu.node.datacenter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The datacenter of a scenario: rows of racks of hosts, the VMs placed on them, the links
 * between them and which node JVM carries which host. Built only by {@link TopologyLoader},
 * which refuses anything inconsistent. Every map is in name order.
 *
 * <p>Hosts talk through three levels of switches: a host's link to its top-of-rack switch, a
 * rack's uplink to its row's aggregation switch, a row's uplink to the core; the outside world
 * (the driver) reaches the core through the border link.
 */
public record Topology(
    Map<String, RowSpec> rows,
    Map<String, RackSpec> racks,
    Map<String, HostSpec> hosts,
    Map<String, VmSpec> vms,
    Map<String, String> nodeOfHost,
    LinkSpec border,
    LinkSpec sameHost,
    MessageSizes sizes,
    long pageBytes,
    double contextSwitchCost) {

  /** Where the outside world (the driver) sits, as a host name in {@link #route}. */
  public static final String OUTSIDE = null;

  public Optional<VmSpec> vm(String name) {
    return Optional.ofNullable(vms.get(name));
  }

  /** The hosts a node carries, by name. */
  public List<HostSpec> hostsOf(String node) {
    return hosts.values().stream().filter(h -> node.equals(nodeOfHost.get(h.name()))).toList();
  }

  /** The VMs placed on a host, by name. */
  public List<VmSpec> vmsOn(String host) {
    return vms.values().stream().filter(v -> v.host().equals(host)).toList();
  }

  /**
   * {@code vms} grouped by the host each is placed on, each host's in the order given: one pass,
   * where {@link #vmsOn} for every host would be hosts × VMs (10^9 at 10,000 hosts and 100,000 VMs).
   */
  public static Map<String, List<VmSpec>> byHost(java.util.Collection<VmSpec> vms) {
    Map<String, List<VmSpec>> byHost = new java.util.HashMap<>();
    for (VmSpec vm : vms) {
      byHost.computeIfAbsent(vm.host(), h -> new ArrayList<>()).add(vm);
    }
    return byHost;
  }

  /**
   * The route from host {@code from} to host {@code to}; either may be {@link #OUTSIDE}. Up from
   * the sender as far as needed (rack, row, core), then down to the receiver.
   */
  public Route route(String from, String to) {
    if (from != null && from.equals(to)) {
      return new Route(List.of(new Route.Hop("copy:host:" + from, sameHost)), sameHost.latencyNanos());
    }
    HostSpec a = from == null ? null : hosts.get(from);
    HostSpec b = to == null ? null : hosts.get(to);
    boolean sameRow = a != null && b != null && a.row().equals(b.row());
    boolean sameRack = sameRow && a.rack().equals(b.rack());
    List<Route.Hop> hops = new ArrayList<>();
    if (a == null) {
      hops.add(new Route.Hop("in:border", border));
    } else {
      hops.add(new Route.Hop("up:host:" + a.name(), a.link()));
      if (!sameRack) {
        hops.add(new Route.Hop("up:rack:" + a.rack(), racks.get(a.rack()).uplink()));
      }
      if (!sameRow) {
        hops.add(new Route.Hop("up:row:" + a.row(), rows.get(a.row()).uplink()));
      }
    }
    if (b == null) {
      hops.add(new Route.Hop("out:border", border));
    } else {
      if (!sameRow) {
        hops.add(new Route.Hop("down:row:" + b.row(), rows.get(b.row()).uplink()));
      }
      if (!sameRack) {
        hops.add(new Route.Hop("down:rack:" + b.rack(), racks.get(b.rack()).uplink()));
      }
      hops.add(new Route.Hop("down:host:" + b.name(), b.link()));
    }
    return new Route(List.copyOf(hops), hops.stream().mapToLong(h -> h.spec().latencyNanos()).sum());
  }
}
