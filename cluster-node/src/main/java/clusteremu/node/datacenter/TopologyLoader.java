package clusteremu.node.datacenter;

import clusteremu.node.config.Origins;
import clusteremu.node.config.ScenarioException;
import clusteremu.tiers.settings.Checked;
import clusteremu.tiers.settings.ConfigNamed;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code clusteremu.datacenter} of a resolved scenario and refuses, naming the key, what
 * could not be built: a host in two racks, a VM on an unknown host, more memory placed on a host
 * than it has, a bandwidth that is not above zero, a host no node carries. (Unknown keys never
 * get here: the scenario's schema walker refuses them first.)
 */
public final class TopologyLoader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
  private static final String DC = "clusteremu.datacenter";

  private TopologyLoader() {}

  /** Whether the scenario lays out a datacenter at all (it has rows). */
  public static boolean declared(Config emu) {
    return !emu.getObject("datacenter.rows").isEmpty();
  }

  /**
   * @param carried for each node, the racks and hosts it lists ({@code racks = [...]}, {@code
   *     hosts = [...]}), with the node's config for error positions
   */
  public static Topology load(Config emu, Map<String, Config> carried) {
    Config dc = emu.getConfig("datacenter");
    long pageBytes = positiveBytes(dc, "page-size");
    LinkSpec hostLink = link(dc.getConfig("links.host"), "links.host");
    LinkSpec rackLink = link(dc.getConfig("links.rack"), "links.rack");
    LinkSpec rowLink = link(dc.getConfig("links.row"), "links.row");
    LinkSpec border = link(dc.getConfig("links.border"), "links.border");
    LinkSpec sameHost = link(dc.getConfig("same-host"), "same-host");
    double contextSwitchCost = nonNegativeDouble(dc, "context-switch-cost");
    MessageSizes sizes = new MessageSizes(dc.getConfig("message-sizes"), pageBytes);
    Config hostDefaults = dc.getConfig("host-defaults");

    Map<String, RowSpec> rows = new LinkedHashMap<>();
    Map<String, RackSpec> racks = new LinkedHashMap<>();
    Map<String, HostSpec> hosts = new LinkedHashMap<>();
    ConfigObject rowsObject = dc.getObject("rows");
    for (String row : new TreeSet<>(rowsObject.keySet())) {
      String rowPath = "rows." + row;
      name(rowsObject, row, "rows", "row");
      Config rowConfig = object(dc, rowPath, "{ racks { rack-1 { hosts { host-1 {} } } } }");
      LinkSpec uplink = rowConfig.hasPath("uplink") ? link(rowConfig.getConfig("uplink").withFallback(dc.getConfig("links.row")), rowPath + ".uplink") : rowLink;
      List<String> rackNames = new ArrayList<>();
      if (!rowConfig.hasPath("racks") || rowConfig.getObject("racks").isEmpty()) {
        throw at(Origins.of(rowConfig.root()), DC + "." + rowPath + " has no racks; expected racks { rack-1 { hosts { host-1 {} } } }");
      }
      for (String rack : new TreeSet<>(rowConfig.getObject("racks").keySet())) {
        String rackPath = rowPath + ".racks." + rack;
        name(rowConfig.getObject("racks"), rack, rowPath + ".racks", "rack");
        Config rackConfig = object(dc, rackPath, "{ hosts { host-1 {} } }");
        RackSpec earlier = racks.get(rack);
        if (earlier != null) {
          throw at(origin(dc, rackPath), "rack '" + rack + "' is in row '" + earlier.row() + "' and in row '" + row + "'; expected each rack in one row (rack names are unique)");
        }
        LinkSpec rackUplink = rackConfig.hasPath("uplink") ? link(rackConfig.getConfig("uplink").withFallback(dc.getConfig("links.rack")), rackPath + ".uplink") : rackLink;
        List<String> hostNames = new ArrayList<>();
        if (!rackConfig.hasPath("hosts") || rackConfig.getObject("hosts").isEmpty()) {
          throw at(Origins.of(rackConfig.root()), DC + "." + rackPath + " has no hosts; expected hosts { host-1 { cores = 8, memory = 64GiB } }");
        }
        for (String host : new TreeSet<>(rackConfig.getObject("hosts").keySet())) {
          String hostPath = rackPath + ".hosts." + host;
          name(rackConfig.getObject("hosts"), host, rackPath + ".hosts", "host");
          Config hostConfig = object(dc, hostPath, "{ cores = 8, memory = 64GiB }");
          HostSpec other = hosts.get(host);
          if (other != null) {
            throw at(origin(dc, hostPath), "host '" + host + "' is in rack '" + other.rack() + "' and in rack '" + rack + "'; expected each host in exactly one rack");
          }
          Config merged = hostConfig.withFallback(hostDefaults);
          LinkSpec link = hostConfig.hasPath("link") ? link(merged.getConfig("link").withFallback(dc.getConfig("links.host")), hostPath + ".link") : hostLink;
          hosts.put(host, new HostSpec(host, row, rack, positiveInt(merged, "cores", hostPath), positiveBytes(merged, "memory", hostPath), link));
          hostNames.add(host);
        }
        racks.put(rack, new RackSpec(rack, row, rackUplink, List.copyOf(hostNames)));
        rackNames.add(rack);
      }
      rows.put(row, new RowSpec(row, rowConfig.hasPath("container") ? rowConfig.getString("container") : "", uplink, List.copyOf(rackNames)));
    }

    Map<String, VmSpec> vms = vms(emu, dc, hosts, pageBytes);
    checkMemory(dc, hosts, vms);
    Map<String, String> nodeOfHost = carriers(dc, carried, racks, hosts);
    return new Topology(
        rows, racks, hosts, vms, nodeOfHost, border, sameHost, sizes, pageBytes, contextSwitchCost);
  }

  private static Map<String, VmSpec> vms(Config emu, Config dc, Map<String, HostSpec> hosts, long pageBytes) {
    Config defaults = dc.getConfig("vm-defaults");
    Map<String, VmSpec> vms = new LinkedHashMap<>();
    for (String vm : new TreeSet<>(dc.getObject("vms").keySet())) {
      String path = "vms." + vm;
      name(dc.getObject("vms"), vm, "vms", "VM");
      Config own = object(dc, path, "{ host = host-1, vcpus = 2, memory = 4GiB, guest = app-server }");
      Config merged = own.withFallback(defaults);
      if (!own.hasPath("host")) {
        throw at(Origins.of(own.root()), DC + "." + path + " has no host; expected host = <one of the hosts in rows>");
      }
      String host = own.getString("host");
      HostSpec on = hosts.get(host);
      if (on == null) {
        throw at(origin(dc, path + ".host"), DC + "." + path + ".host is '" + host + "', an unknown host; expected one of: " + someOf(hosts.keySet()));
      }
      int vcpus = positiveInt(merged, "vcpus", path);
      if (vcpus > on.cores()) {
        throw at(origin(dc, path), DC + "." + path + ".vcpus is " + vcpus + " but host '" + host + "' has " + on.cores() + " cores; expected at most the host's cores (a vCPU never runs faster than one core)");
      }
      long memory = positiveBytes(merged, "memory", path);
      String guestName = merged.getString("guest");
      Optional<ComponentKind> guest = guestName.equals("none") ? Optional.empty() : ConfigNamed.byName(ComponentKind.class, guestName);
      if (guest.isEmpty() && !guestName.equals("none")) {
        throw at(origin(merged, "guest"), DC + "." + path + ".guest is '" + guestName + "'; expected none or one of: " + ConfigNamed.names(ComponentKind.class));
      }
      Config guestSettings = emu.getConfig(guest.map(ComponentKind::configName).orElse("app-server"));
      if (guest.isPresent() && own.hasPath(guest.get().configName())) {
        guestSettings = own.getConfig(guest.get().configName()).withFallback(guestSettings);
      }
      long pages = (memory + pageBytes - 1) / pageBytes;
      double hotSet = Checked.fraction(merged, "hot-set");
      vms.put(vm, new VmSpec(vm, host, vcpus, memory, pages, guest, guestSettings, nonNegativeDouble(merged, "background-dirty-rate"), Math.max(1, (long) (pages * hotSet))));
    }
    return vms;
  }

  private static void checkMemory(Config dc, Map<String, HostSpec> hosts, Map<String, VmSpec> vms) {
    Map<String, List<VmSpec>> byHost = Topology.byHost(vms.values());
    for (HostSpec host : hosts.values()) {
      List<VmSpec> placed = byHost.getOrDefault(host.name(), List.of());
      long asked = placed.stream().mapToLong(VmSpec::memoryBytes).sum();
      if (asked > host.memoryBytes()) {
        StringBuilder who = new StringBuilder();
        for (VmSpec vm : placed) {
          who.append(who.length() == 0 ? "" : ", ").append(vm.name()).append(' ').append(gib(vm.memoryBytes()));
        }
        throw at(origin(dc, "vms." + placed.get(placed.size() - 1).name()),
            "host '" + host.name() + "' has " + gib(host.memoryBytes()) + " of memory but its VMs ask " + gib(asked) + " (" + who
                + "); expected at most the host's memory (memory is not overcommitted: move a VM or give the host more)");
      }
    }
  }

  private static Map<String, String> carriers(Config dc, Map<String, Config> carried, Map<String, RackSpec> racks, Map<String, HostSpec> hosts) {
    Map<String, String> nodeOfHost = new LinkedHashMap<>();
    for (Map.Entry<String, Config> node : carried.entrySet()) {
      Config config = node.getValue();
      String where = "clusteremu.nodes." + node.getKey();
      List<String> its = new ArrayList<>();
      for (String rack : config.getStringList("racks")) {
        RackSpec spec = racks.get(rack);
        if (spec == null) {
          throw at(Origins.of(config.getValue("racks")), where + ".racks has '" + rack + "', an unknown rack; expected some of: " + someOf(racks.keySet()));
        }
        its.addAll(spec.hosts());
      }
      for (String host : config.getStringList("hosts")) {
        if (!hosts.containsKey(host)) {
          throw at(Origins.of(config.getValue("hosts")), where + ".hosts has '" + host + "', an unknown host; expected some of: " + someOf(hosts.keySet()));
        }
        its.add(host);
      }
      for (String host : its) {
        String other = nodeOfHost.putIfAbsent(host, node.getKey());
        if (other != null) {
          throw at(Origins.of(config.root()), "host '" + host + "' is carried by node '" + other + "' and by node '" + node.getKey() + "'; expected each host on exactly one node");
        }
      }
    }
    for (HostSpec host : hosts.values()) {
      if (!nodeOfHost.containsKey(host.name())) {
        String hostPath = "rows." + host.row() + ".racks." + host.rack() + ".hosts." + host.name();
        throw at(origin(dc, hostPath), "host '" + host.name() + "' (rack '" + host.rack() + "') is carried by no node; expected it in some node's racks = [...] or hosts = [...]");
      }
    }
    return nodeOfHost;
  }

  private static LinkSpec link(Config link, String path) {
    long latency;
    try {
      latency = Checked.nonNegativeDuration(link, "latency").toNanos();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ScenarioException(Origins.message(e) + " (in " + DC + "." + path + ")", e);
    }
    try {
      return new LinkSpec(latency, Bandwidth.bytesPerSecond(link, "bandwidth"));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ScenarioException(Origins.message(e) + " (in " + DC + "." + path + ")", e);
    }
  }

  private static Config object(Config dc, String path, String example) {
    ConfigValue value = dc.getValue(path);
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw at(Origins.of(value), DC + "." + path + " is a " + value.valueType().name().toLowerCase() + "; expected an object such as " + example);
    }
    return dc.getConfig(path);
  }

  private static void name(ConfigObject parent, String name, String parentPath, String what) {
    if (!NAME.matcher(name).matches()) {
      throw at(Origins.of(parent.get(name)), what + " name '" + name + "' in " + DC + "." + parentPath + "; expected letters, digits, '-' or '_' (it names actors and files)");
    }
  }

  private static int positiveInt(Config config, String key, String path) {
    try {
      return Checked.positiveInt(config, key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ScenarioException(Origins.message(e) + " (in " + DC + "." + path + ")", e);
    }
  }

  private static long positiveBytes(Config config, String key, String path) {
    try {
      long bytes = config.getBytes(key);
      if (bytes <= 0) {
        throw Checked.bad(config, key, "expected a size above zero such as 4GiB, got " + bytes);
      }
      return bytes;
    } catch (com.typesafe.config.ConfigException e) {
      throw new ScenarioException(Origins.message(e) + " (in " + DC + "." + path + ")", e);
    }
  }

  private static long positiveBytes(Config dc, String key) {
    return positiveBytes(dc, key, key);
  }

  private static double nonNegativeDouble(Config config, String key) {
    double value = config.getDouble(key);
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new ScenarioException(Origins.message(Checked.bad(config, key, "expected a number of zero or more, got " + value)));
    }
    return value;
  }

  private static String origin(Config config, String path) {
    return Origins.of(config.getValue(path));
  }

  private static ScenarioException at(String origin, String message) {
    return new ScenarioException(origin + ": " + message);
  }

  private static String someOf(Set<String> names) {
    List<String> list = new ArrayList<>(names);
    return list.size() <= 12 ? String.join(", ", list) : String.join(", ", list.subList(0, 12)) + ", ... (" + list.size() + " in all)";
  }

  private static String gib(long bytes) {
    double gib = bytes / (double) (1L << 30);
    return gib == Math.rint(gib) ? (long) gib + " GiB" : String.format(java.util.Locale.ROOT, "%.2f GiB", gib);
  }
}
