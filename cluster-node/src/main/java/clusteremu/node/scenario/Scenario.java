package clusteremu.node.scenario;

import clusteremu.node.datacenter.ComponentKind;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.security.TlsStores;
import clusteremu.tiers.time.TimeDilation;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated scenario: the nodes of a cluster, what each carries, and every setting resolved
 * over the documented defaults. Built only by {@link ScenarioLoader}, which refuses anything it
 * cannot run.
 *
 * @param config the whole resolved configuration (scenario over all reference.conf files)
 * @param pekkoOverrides what the scenario itself sets under {@code pekko}, if anything
 * @param machines the machines the nodes run on, by name, the local one ({@link Machine#LOCAL}) included
 * @param topology the datacenter the components run in, or null when they run straight on nodes
 */
public record Scenario(
    Path file,
    String name,
    String clusterName,
    Map<String, Machine> machines,
    Security security,
    List<NodeSpec> nodes,
    List<NodeSpec> seedNodes,
    Duration startupTimeout,
    Duration shutdownTimeout,
    Duration metricsInterval,
    Config config,
    Config pekkoOverrides,
    Topology topology) {

  /** The scenario's time dilation (1: real time); checked when it was loaded. */
  public TimeDilation timeDilation() {
    return new TimeDilation(config.getDouble("clusteremu.time-dilation"));
  }

  public Optional<Topology> datacenter() {
    return Optional.ofNullable(topology);
  }

  public Optional<NodeSpec> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** The address of a node in Pekko's form, as seed nodes are given. */
  public String addressOf(NodeSpec node) {
    return "pekko://" + clusterName + "@" + machineOf(node).address() + ":" + node.port();
  }

  public Machine machineOf(NodeSpec node) {
    return machines.get(node.machine());
  }

  /** Whether the scenario spreads its nodes over machines of its own naming (else all run here). */
  public boolean spansMachines() {
    return machines.size() > 1;
  }

  /** The nodes of one machine ({@link Machine#LOCAL} for those that name none); null: every node. */
  public List<NodeSpec> nodesOn(String machine) {
    return machine == null ? nodes : nodes.stream().filter(n -> n.machine().equals(machine)).toList();
  }

  /**
   * The machine a driver or another member started beside a run binds on: the run's own ({@code
   * startedOn}, as {@code scripts/cluster up --machine} named it), or, when every node was started
   * here (null), the first seed node's.
   */
  public Machine memberMachine(String startedOn) {
    return startedOn != null ? machines.get(startedOn) : machineOf(seedNodes.get(0));
  }

  /** The stores a member on {@code machine} presents and trusts; only when {@code security.tls} is on. */
  public TlsStores tlsStores(Machine machine) {
    return new TlsStores(machine.keyStore(), security.trustStore(), security.passwordFile());
  }

  /** The node that serves the control API: the one named, or the first seed node. */
  public NodeSpec controlNode() {
    String name = controlNodeName(config.getConfig("clusteremu"), seedNodes);
    return node(name).orElseThrow();
  }

  /** The rule {@link #controlNode()} follows, for the loader, which needs it before the scenario exists. */
  static String controlNodeName(Config clusteremu, List<NodeSpec> seedNodes) {
    String named = clusteremu.getString("control.node");
    return named.isEmpty() ? seedNodes.get(0).name() : named;
  }

  /** How many of each kind of component the cluster has (a datacenter's: how many VMs run one). */
  public long count(ComponentKind kind) {
    if (topology != null) {
      return topology.vms().values().stream().filter(v -> v.guest().equals(Optional.of(kind))).count();
    }
    return nodes.stream().filter(n -> n.components().contains(kind)).count();
  }

  /**
   * The scenario as it will run, every value resolved, with comments saying where each came
   * from: written into the run directory so that the nodes, the driver and a later reader all see
   * the same thing.
   */
  public String render() {
    ConfigRenderOptions options =
        ConfigRenderOptions.defaults().setJson(false).setOriginComments(true);
    StringBuilder text = new StringBuilder();
    text.append("# The scenario ").append(file).append(" as it runs, resolved over reference.conf.\n");
    text.append(config.getConfig("clusteremu").atKey("clusteremu").root().render(options));
    if (!pekkoOverrides.isEmpty()) {
      text.append(pekkoOverrides.root().render(options));
    }
    return text.toString();
  }
}
