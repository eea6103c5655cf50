package clusteremu.node.scenario;

import clusteremu.node.config.Origins;
import clusteremu.node.config.ScenarioException;
import clusteremu.node.config.SchemaWalker;
import clusteremu.node.config.Schema;
import clusteremu.node.datacenter.ComponentKind;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.TopologyLoader;
import clusteremu.tiers.appserver.AppServerSettings;
import clusteremu.tiers.dataserver.DataServerSettings;
import clusteremu.tiers.dispatcher.DispatcherSettings;
import clusteremu.tiers.driver.LoadSettings;
import clusteremu.tiers.settings.Checked;
import clusteremu.tiers.settings.ConfigNamed;
import clusteremu.tiers.time.TimeDilation;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a scenario file over the documented {@code reference.conf} files and refuses, with one
 * clear message, anything that could not run: a missing file, a syntax error, an unknown key, a
 * value of the wrong type or out of range, two nodes on one port, a tier nobody carries.
 */
public final class ScenarioLoader {
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

  private ScenarioLoader() {}

  /** Loads and validates a scenario file. */
  public static Scenario load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ScenarioException(
          file + ": no such scenario file (expected a HOCON file such as config/default.conf)");
    }
    Config own;
    try {
      own = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ScenarioException(Origins.message(e), e);
    }
    return fromConfig(file, own, ConfigFactory.defaultReferenceUnresolved());
  }

  /** Validates a parsed scenario against the given defaults; {@code file} names it in messages. */
  public static Scenario fromConfig(Path file, Config own, Config reference) {
    try {
      Schema.scenario(reference).check(own);
      Path folder = file.toAbsolutePath().getParent();
      Config resolved = own.withFallback(reference).resolve();
      resolved = resolved.withValue("clusteremu", MachineLoader.withAbsolutePaths(resolved.getConfig("clusteremu"), folder).root());
      Config emu = resolved.getConfig("clusteremu");
      Security security = MachineLoader.security(emu);
      Map<String, Machine> machines = MachineLoader.machines(emu, security);
      validateComponentBlocks(emu, "clusteremu.");
      try {
        LoadSettings.fromConfig(emu.getConfig("driver"));
      } catch (ConfigException e) {
        throw new ScenarioException(Origins.message(e) + " (in clusteremu.driver)", e);
      }
      List<NodeSpec> nodes = nodes(emu, machines);
      checkPortsUnique(nodes, emu);
      Topology topology = null;
      if (TopologyLoader.declared(emu)) {
        topology = TopologyLoader.load(emu, carried(emu, nodes));
        nodes = withGuests(nodes, topology, emu);
      }
      checkEveryTierCarried(nodes, emu);
      checkReplication(emu, nodes, topology);
      checkControl(emu, nodes);
      checkTimeDilation(emu);
      List<NodeSpec> seeds = seedNodes(emu, nodes);
      String controlNode = Scenario.controlNodeName(emu, seeds);
      Config pekko = own.hasPath("pekko") ? own.withOnlyPath("pekko").resolve() : ConfigFactory.empty();
      MachineLoader.check(emu, pekko, nodes, machines, security, controlNode);
      Checked.nonNegativeInt(emu, "metrics.datacenter-lines");
      String fileName = file.getFileName().toString();
      return new Scenario(
          file,
          fileName.endsWith(".conf") ? fileName.substring(0, fileName.length() - 5) : fileName,
          clusterName(emu),
          machines,
          security,
          nodes,
          seeds,
          Checked.positiveDuration(emu, "startup-timeout"),
          Checked.positiveDuration(emu, "shutdown-timeout"),
          Checked.positiveDuration(emu, "metrics.interval"),
          resolved,
          pekko,
          topology);
    } catch (ConfigException e) {
      throw new ScenarioException(Origins.message(e), e);
    }
  }

  private static void checkTimeDilation(Config emu) {
    double k = emu.getDouble("time-dilation");
    if (!(k >= 1 && k <= TimeDilation.MAX_FACTOR)) {
      throw Checked.bad(emu, "time-dilation", "a number from 1 to 1000 (1: real time; k: every emulated duration takes k times longer), got " + k);
    }
  }

  /**
   * {@code data-server.replication} is 1, or 2 with two data servers at least whose key partners
   * (each data VM and the next by name, see Partitioning) start on different hosts; it is the
   * scenario's, the same for every data server.
   */
  private static void checkReplication(Config emu, List<NodeSpec> nodes, Topology topology) {
    int replication = emu.getInt("data-server.replication");
    if (replication < 1 || replication > 2) {
      throw Checked.bad(emu, "data-server.replication", "1 (each key on one data server) or 2 (and on a backup), got " + replication);
    }
    for (NodeSpec node : nodes) {
      if (node.components().contains(ComponentKind.DATA_SERVER) && node.componentSettings(ComponentKind.DATA_SERVER).getInt("replication") != replication) {
        throw Checked.bad(
            node.componentSettings(ComponentKind.DATA_SERVER), "replication", "the scenario's clusteremu.data-server.replication (" + replication + "): every data server replicates alike");
      }
    }
    // Data VMs by name, with the host each starts on (without a datacenter, each node is a host).
    java.util.TreeMap<String, String> hostOf = new java.util.TreeMap<>();
    if (topology != null) {
      for (clusteremu.node.datacenter.VmSpec vm : topology.vms().values()) {
        if (vm.guest().equals(java.util.Optional.of(ComponentKind.DATA_SERVER))) {
          if (vm.guestSettings().getInt("replication") != replication) {
            throw Checked.bad(vm.guestSettings(), "replication", "the scenario's clusteremu.data-server.replication (" + replication + "): every data server replicates alike");
          }
          hostOf.put(vm.name(), vm.host());
        }
      }
    } else {
      nodes.stream().filter(n -> n.components().contains(ComponentKind.DATA_SERVER)).forEach(n -> hostOf.put(OneHostPerNode.vmName(n, ComponentKind.DATA_SERVER), n.name()));
    }
    if (replication == 2) {
      if (hostOf.size() < 2) {
        throw Checked.bad(emu, "data-server.replication", "1 with a single data server (a backup needs a second one)");
      }
      List<String> vms = List.copyOf(hostOf.keySet());
      for (int i = 0; i < vms.size(); i++) {
        String backup = vms.get((i + 1) % vms.size());
        if (hostOf.get(vms.get(i)).equals(hostOf.get(backup))) {
          throw Checked.bad(
              emu, "data-server.replication",
              "key partners on different hosts: data VMs " + vms.get(i) + " and " + backup + " (its backup) both start on host " + hostOf.get(backup));
        }
      }
    }
  }

  /** The control API's port is a TCP port and its node one of the scenario's. */
  private static void checkControl(Config emu, List<NodeSpec> nodes) {
    int port = emu.getInt("control.port");
    if (port < 1 || port > 65535) {
      throw Checked.bad(emu, "control.port", "expected a TCP port from 1 to 65535, got " + port);
    }
    String node = emu.getString("control.node");
    if (!node.isEmpty() && nodes.stream().noneMatch(n -> n.name().equals(node))) {
      throw Checked.bad(emu, "control.node", "expected one of " + nodes.stream().map(NodeSpec::name).toList() + " or \"\" (the first seed node), got '" + node + "'");
    }
  }

  /** Reads every component block as its component will; {@code where} names the block in errors. */
  private static void validateComponentBlocks(Config emu, String where) {
    for (ComponentKind kind : ComponentKind.values()) {
      Config block = emu.getConfig(kind.configName());
      try {
        switch (kind) {
          case DISPATCHER -> DispatcherSettings.fromConfig(block);
          case APP_SERVER -> AppServerSettings.fromConfig(block);
          case DATA_SERVER -> DataServerSettings.fromConfig(block);
        }
        Checked.positiveInt(block, "cores");
      } catch (ConfigException e) {
        throw new ScenarioException(Origins.message(e) + " (in " + where + kind.configName() + ")", e);
      }
    }
  }

  private static String clusterName(Config emu) {
    String name = emu.getString("cluster-name");
    if (!NODE_NAME.matcher(name).matches() || name.contains(".")) {
      throw Checked.bad(emu, "cluster-name", "expected letters, digits, '-' or '_', got '" + name + "'");
    }
    return name;
  }

  private static List<NodeSpec> nodes(Config emu, Map<String, Machine> machines) {
    ConfigObject nodesObject = emu.getObject("nodes");
    if (nodesObject.isEmpty()) {
      throw new ScenarioException(
          Origins.of(nodesObject)
              + ": clusteremu.nodes is empty; expected at least one node, e.g. "
              + "nodes { node-1 { port = 25521, components = [dispatcher, app-server, data-server] } }");
    }
    Config defaults = emu.getConfig("node-defaults");
    List<NodeSpec> nodes = new ArrayList<>();
    for (String name : nodesObject.keySet()) {
      String path = "nodes." + SchemaWalker.element(name);
      if (!NODE_NAME.matcher(name).matches()) {
        throw new ScenarioException(
            Origins.of(nodesObject.get(name))
                + ": node name '"
                + name
                + "' at clusteremu.nodes; expected letters, digits, '-', '_' or '.' (it names files)");
      }
      if (nodesObject.get(name).valueType() != ConfigValueType.OBJECT) {
        throw new ScenarioException(
            Origins.of(nodesObject.get(name))
                + ": clusteremu."
                + path
                + " is a "
                + nodesObject.get(name).valueType().name().toLowerCase()
                + "; expected an object such as { port = 25521, components = [app-server] }");
      }
      Config node = emu.getConfig(path).withFallback(defaults);
      nodes.add(node(name, node, emu, machines));
    }
    nodes.sort(Comparator.comparingInt(NodeSpec::port));
    return List.copyOf(nodes);
  }

  private static NodeSpec node(String name, Config node, Config emu, Map<String, Machine> machines) {
    String where = "clusteremu.nodes." + SchemaWalker.element(name) + ".";
    int port = node.getInt("port");
    if (port < 1 || port > 65535) {
      throw new ScenarioException(
          Origins.of(node.getValue("port"))
              + ": "
              + where
              + "port is "
              + port
              + "; expected a port from 1 to 65535 (every node needs its own, for the seed nodes to find it)");
    }
    String heap = node.getString("heap");
    if (!HEAP.matcher(heap).matches()) {
      throw new ScenarioException(
          Origins.of(node.getValue("heap"))
              + ": "
              + where
              + "heap is '"
              + heap
              + "'; expected a size as for -Xmx, such as 256m or 1g");
    }
    Set<ComponentKind> components = new LinkedHashSet<>();
    for (String component : node.getStringList("components")) {
      ComponentKind kind =
          ConfigNamed.byName(ComponentKind.class, component)
              .orElseThrow(
                  () ->
                      new ScenarioException(
                          Origins.of(node.getValue("components"))
                              + ": "
                              + where
                              + "components has '"
                              + component
                              + "'; expected some of: "
                              + ConfigNamed.names(ComponentKind.class)));
      if (!components.add(kind)) {
        throw new ScenarioException(
            Origins.of(node.getValue("components"))
                + ": "
                + where
                + "components names '"
                + component
                + "' twice; a node carries at most one of each");
      }
    }
    Config settings = emu;
    for (ComponentKind kind : ComponentKind.values()) {
      if (node.hasPath(kind.configName())) {
        Config merged = node.getConfig(kind.configName()).withFallback(emu.getConfig(kind.configName()));
        settings = settings.withValue(kind.configName(), merged.root());
      }
    }
    validateComponentBlocks(settings, where);
    return new NodeSpec(
        name, port, MachineLoader.machineOf(node, name, machines), heap, List.copyOf(components), node.getStringList("jvm-options"),
        node.getBoolean("class-data-sharing"), settings);
  }

  /** Each node's own block over the node defaults, for the racks and hosts it lists. */
  private static Map<String, Config> carried(Config emu, List<NodeSpec> nodes) {
    Map<String, Config> carried = new java.util.LinkedHashMap<>();
    for (NodeSpec node : nodes) {
      carried.put(node.name(), emu.getConfig("nodes." + SchemaWalker.element(node.name())).withFallback(emu.getConfig("node-defaults")));
    }
    return carried;
  }

  /**
   * In a datacenter a node's components are the guests of the VMs on its hosts; it may not list
   * components of its own as well.
   */
  private static List<NodeSpec> withGuests(List<NodeSpec> nodes, Topology topology, Config emu) {
    List<NodeSpec> result = new ArrayList<>();
    Map<String, List<clusteremu.node.datacenter.VmSpec>> byHost = Topology.byHost(topology.vms().values());
    for (NodeSpec node : nodes) {
      if (!node.components().isEmpty()) {
        throw new ScenarioException(
            Origins.of(emu.getValue("nodes." + SchemaWalker.element(node.name())))
                + ": clusteremu.nodes." + SchemaWalker.element(node.name()) + ".components is "
                + node.roles() + " but the scenario has a datacenter; expected components = [] and the"
                + " node's racks = [...] or hosts = [...] (components are then the guests of their VMs)");
      }
      Set<ComponentKind> guests = new LinkedHashSet<>();
      for (var host : topology.hostsOf(node.name())) {
        for (var vm : byHost.getOrDefault(host.name(), List.of())) {
          vm.guest().ifPresent(guests::add);
        }
      }
      result.add(new NodeSpec(node.name(), node.port(), node.machine(), node.heap(), List.copyOf(guests), node.jvmOptions(), node.classDataSharing(), node.settings()));
    }
    return List.copyOf(result);
  }

  private static void checkPortsUnique(List<NodeSpec> nodes, Config emu) {
    Map<Integer, String> byPort = new HashMap<>();
    for (NodeSpec node : nodes) {
      String other = byPort.putIfAbsent(node.port(), node.name());
      if (other != null) {
        List<String> both = new ArrayList<>(List.of(other, node.name()));
        both.sort(null);
        throw new ScenarioException(
            Origins.of(emu.getValue("nodes"))
                + ": nodes '"
                + both.get(0)
                + "' and '"
                + both.get(1)
                + "' both have port "
                + node.port()
                + "; expected a port of its own for every node");
      }
    }
  }

  private static void checkEveryTierCarried(List<NodeSpec> nodes, Config emu) {
    for (ComponentKind kind : ComponentKind.values()) {
      if (nodes.stream().noneMatch(n -> n.components().contains(kind))) {
        throw new ScenarioException(
            Origins.of(emu.getValue("nodes"))
                + ": no node carries a "
                + kind.configName()
                + "; expected at least one node (or, in a datacenter, a VM on a carried host) with each of: "
                + ConfigNamed.names(ComponentKind.class));
      }
    }
  }

  private static List<NodeSpec> seedNodes(Config emu, List<NodeSpec> nodes) {
    List<String> names = emu.getStringList("seed-nodes");
    if (names.isEmpty()) {
      return List.of(nodes.get(0));
    }
    List<NodeSpec> seeds = new ArrayList<>();
    for (String name : names) {
      seeds.add(
          nodes.stream()
              .filter(n -> n.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      Checked.bad(
                          emu,
                          "seed-nodes",
                          "names of nodes in clusteremu.nodes; there is no node '" + name + "'")));
    }
    return List.copyOf(seeds);
  }
}
