package clusteremu.node.scenario;

import clusteremu.node.config.Origins;
import clusteremu.node.config.ScenarioException;
import clusteremu.node.config.SchemaWalker;
import clusteremu.tiers.settings.Checked;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the machines a scenario's nodes run on and its security settings, and refuses a scenario
 * that would expose a cluster without TLS: remoting beyond loopback must be authenticated, and a
 * control API beyond loopback needs its token (README, "Across machines").
 */
final class MachineLoader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final List<String> PATHS =
      List.of("security.key-store", "security.trust-store", "security.password-file", "control.token-file", "machine-defaults.key-store");

  private MachineLoader() {}

  /**
   * {@code emu} with every file it names made absolute against {@code folder}, the scenario file's:
   * the run directory keeps a copy of the scenario that nodes read from elsewhere.
   */
  static Config withAbsolutePaths(Config emu, Path folder) {
    Config result = emu;
    for (String path : PATHS) {
      result = absolute(result, path, folder);
    }
    for (String name : emu.getObject("machines").keySet()) {
      String path = "machines." + SchemaWalker.element(name) + ".key-store";
      if (emu.hasPath(path)) {
        result = absolute(result, path, folder);
      }
    }
    return result;
  }

  private static Config absolute(Config emu, String path, Path folder) {
    String value = emu.getString(path);
    if (value.isEmpty()) {
      return emu;
    }
    Path absolute = folder.resolve(value).toAbsolutePath().normalize();
    return emu.withValue(path, ConfigValueFactory.fromAnyRef(absolute.toString(), Origins.of(emu.getValue(path))));
  }

  static Security security(Config emu) {
    return new Security(
        emu.getBoolean("security.tls"),
        pathOrNull(emu, "security.key-store"),
        pathOrNull(emu, "security.trust-store"),
        pathOrNull(emu, "security.password-file"),
        pathOrNull(emu, "control.token-file"));
  }

  /** The named machines, and the local one under {@link Machine#LOCAL}. */
  static Map<String, Machine> machines(Config emu, Security security) {
    Map<String, Machine> machines = new LinkedHashMap<>();
    if (!Addresses.valid(emu.getString("hostname"))) {
      throw Checked.bad(emu, "hostname", "an IPv4 address such as \"127.0.0.1\" or a host name (IPv6 is not supported yet), got \"" + emu.getString("hostname") + "\"");
    }
    machines.put(Machine.LOCAL, new Machine(Machine.LOCAL, emu.getString("hostname"), security.keyStore()));
    ConfigObject declared = emu.getObject("machines");
    Config defaults = emu.getConfig("machine-defaults");
    for (String name : declared.keySet()) {
      String where = "clusteremu.machines." + SchemaWalker.element(name);
      if (!NAME.matcher(name).matches()) {
        throw new ScenarioException(Origins.of(declared.get(name)) + ": machine name '" + name + "' at clusteremu.machines; expected letters, digits, '-', '_' or '.'");
      }
      if (declared.get(name).valueType() != ConfigValueType.OBJECT) {
        throw new ScenarioException(Origins.of(declared.get(name)) + ": " + where + " is a " + declared.get(name).valueType().name().toLowerCase()
            + "; expected an object such as { address = \"10.0.0.2\" }");
      }
      Config machine = emu.getConfig(SchemaWalker.element("machines") + "." + SchemaWalker.element(name)).withFallback(defaults);
      String address = machine.getString("address");
      if (!Addresses.valid(address)) {
        throw Checked.bad(machine, "address", "the address " + where + "'s nodes bind to and the others dial: an IPv4 address such as \"10.0.0.2\" or a host name"
            + " (IPv6 is not supported yet), got \"" + address + "\"");
      }
      Path keyStore = pathOrNull(machine, "key-store");
      machines.put(name, new Machine(name, address, keyStore != null ? keyStore : security.keyStore()));
    }
    return machines;
  }

  /** The machine a node names, which must be one of the scenario's. */
  static String machineOf(Config node, String nodeName, Map<String, Machine> machines) {
    String machine = node.getString("machine");
    if (!machines.containsKey(machine)) {
      List<String> names = machines.keySet().stream().filter(n -> !n.isEmpty()).toList();
      throw Checked.bad(node, "machine", (names.isEmpty()
          ? "a machine of clusteremu.machines, which has none (declare it: machines { " + machine + " { address = \"...\" } })"
          : "one of " + names + " or \"\" (this machine)") + ", got '" + machine + "' for node '" + nodeName + "'");
    }
    return machine;
  }

  /**
   * Refuses what cannot work or would be open to anyone on the network: nodes on loopback beside
   * nodes beyond it (those could not reach them), remoting beyond loopback without TLS, TLS without
   * its files, a control API beyond loopback without a token.
   */
  static void check(Config emu, Config pekko, List<NodeSpec> nodes, Map<String, Machine> machines, Security security, String controlNode) {
    String bind = "pekko.remote.artery.bind.hostname";
    if (!security.tls() && pekko.hasPath(bind) && !pekko.getString(bind).isEmpty() && !Addresses.loopback(pekko.getString(bind))) {
      throw new ScenarioException(Origins.of(pekko.getValue(bind)) + ": " + bind + " = " + pekko.getString(bind)
          + " listens beyond loopback, and clusteremu.security.tls is off; expected security { tls = on, ... } (README, \"Across machines\") or no bind.hostname");
    }
    NodeSpec onLoopback = null;
    NodeSpec beyond = null;
    for (NodeSpec node : nodes) {
      if (machines.get(node.machine()).loopback()) {
        onLoopback = onLoopback == null ? node : onLoopback;
      } else {
        beyond = beyond == null ? node : beyond;
      }
    }
    if (beyond == null) {
      checkTlsFiles(emu, nodes, machines, security);
      return;
    }
    String address = machines.get(beyond.machine()).address();
    if (onLoopback != null) {
      throw new ScenarioException(Origins.of(emu.getValue("nodes")) + ": node '" + onLoopback.name() + "' binds to "
          + machines.get(onLoopback.machine()).address() + " (loopback) but node '" + beyond.name() + "' to " + address
          + ", which another machine could not reach it from; expected every node on a machine of clusteremu.machines with a real address, or all on loopback");
    }
    if (!security.tls()) {
      throw new ScenarioException(where(emu, machines.get(beyond.machine())) + ": node '" + beyond.name() + "' binds to " + address
          + ", beyond loopback, and clusteremu.security.tls is off; expected security { tls = on, key-store = ..., trust-store = ..., password-file = ... }:"
          + " make them with scripts/certs init DIR and scripts/certs node DIR NAME --address " + address + " (README, \"Across machines\")");
    }
    checkTlsFiles(emu, nodes, machines, security);
    NodeSpec control = nodes.stream().filter(n -> n.name().equals(controlNode)).findFirst().orElseThrow();
    if (security.tokenFile() == null) {
      throw Checked.bad(emu, "control.token-file", "a file holding the control API's bearer token (scripts/certs init writes one, DIR/token): the API's node '"
          + control.name() + "' binds to " + machines.get(control.machine()).address() + ", beyond loopback, where it serves HTTPS and asks every client for the token");
    }
  }

  private static void checkTlsFiles(Config emu, List<NodeSpec> nodes, Map<String, Machine> machines, Security security) {
    if (!security.tls()) {
      return;
    }
    if (security.trustStore() == null) {
      throw Checked.bad(emu, "security.trust-store", "the trust store holding the certificate authority (scripts/certs init DIR writes DIR/trust.p12), as security.tls is on");
    }
    if (security.passwordFile() == null) {
      throw Checked.bad(emu, "security.password-file", "the file holding the stores' password (scripts/certs init DIR writes DIR/password), as security.tls is on");
    }
    for (NodeSpec node : nodes) {
      Machine machine = machines.get(node.machine());
      if (machine.keyStore() == null) {
        throw new ScenarioException(where(emu, machine) + ": node '" + node.name() + "' has no key store; expected clusteremu.security.key-store"
            + (machine.name().isEmpty() ? "" : " or clusteremu.machines." + SchemaWalker.element(machine.name()) + ".key-store")
            + " (scripts/certs node DIR NAME --address " + machine.address() + " writes DIR/NAME.p12), as security.tls is on");
      }
    }
  }

  /** Where the user set a machine's address (the scenario's hostname for the local one): the place to fix it. */
  private static String where(Config emu, Machine machine) {
    String path = machine.name().isEmpty() ? "hostname" : "machines." + SchemaWalker.element(machine.name()) + ".address";
    return Origins.of(emu.getValue(path));
  }

  private static Path pathOrNull(Config config, String path) {
    String value = config.getString(path);
    return value.isEmpty() ? null : Path.of(value);
  }
}
