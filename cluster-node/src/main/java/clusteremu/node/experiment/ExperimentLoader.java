package clusteremu.node.experiment;

import clusteremu.node.report.Capacity;
import clusteremu.node.scenario.LaunchSettings;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.config.ScenarioException;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import clusteremu.tiers.driver.LoadSettings;
import clusteremu.tiers.settings.Checked;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an experiment file over {@code experiment-reference.conf}: the scenario it names (relative
 * to the experiment file) with the experiment's overrides on top, and its phases. Anything wrong
 * is refused with one message naming the file, the key and what was expected.
 */
public final class ExperimentLoader {
  private static final Set<String> PHASE_KEYS = Set.of("name", "mode", "policy", "events");
  private static final Set<String> MIGRATE_KEYS = Set.of("vm", "to", "strategy", "max-downtime", "max-rounds", "bandwidth", "auto-converge", "contents");

  private ExperimentLoader() {}

  public static Experiment load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ScenarioException(file + ": no such experiment file (expected a HOCON file such as config/experiments/dispatcher-bottleneck.conf)");
    }
    try {
      Config own = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      Config reference = ConfigFactory.parseResources("experiment-reference.conf");
      checkKeys(own, reference);
      Config experiment = own.withFallback(reference).resolve().getConfig("experiment");
      List<Experiment.Variant> variants = variants(file, experiment);
      List<Phase> phases = phases(experiment, variants.get(0).scenario());
      for (Experiment.Variant variant : variants) {
        checkEvents(file, phases, variant.scenario());
      }
      String fileName = file.getFileName().toString();
      return new Experiment(
          file,
          fileName.endsWith(".conf") ? fileName.substring(0, fileName.length() - 5) : fileName,
          experiment.getString("description"),
          variants,
          Checked.nonNegativeDuration(experiment, "cluster-warmup"),
          phases);
    } catch (ConfigException e) {
      throw new ScenarioException(e.getMessage(), e);
    }
  }

  private static void checkKeys(Config own, Config reference) {
    for (Map.Entry<String, ConfigValue> top : own.root().entrySet()) {
      if (!top.getKey().equals("experiment")) {
        throw unknown(top.getValue(), top.getKey(), Set.of("experiment"));
      }
    }
    ConfigObject known = reference.getObject("experiment");
    for (Map.Entry<String, ConfigValue> entry : own.getObject("experiment").entrySet()) {
      String key = entry.getKey();
      if (!known.containsKey(key)) {
        throw unknown(entry.getValue(), "experiment." + key, known.keySet());
      }
      if (key.equals("sweep") && entry.getValue() instanceof ConfigObject sweep) {
        for (Map.Entry<String, ConfigValue> s : sweep.entrySet()) {
          if (!Set.of("modes", "rates", "factors").contains(s.getKey())) {
            throw unknown(s.getValue(), "experiment.sweep." + s.getKey(), Set.of("modes", "rates", "factors"));
          }
        }
      }
    }
  }

  private static ScenarioException unknown(ConfigValue value, String path, Set<String> expected) {
    return new ScenarioException(
        value.origin().description() + ": unknown key '" + path + "'; expected one of: " + String.join(", ", new TreeSet<>(expected)));
  }

  /** The scenario under each variant's overrides, every one validated before anything starts. */
  private static List<Experiment.Variant> variants(Path file, Config experiment) {
    List<? extends Config> given = experiment.getConfigList("variants");
    if (given.isEmpty()) {
      return List.of(new Experiment.Variant("", scenario(file, experiment, ConfigFactory.empty())));
    }
    List<Experiment.Variant> variants = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < given.size(); i++) {
      Config variant = given.get(i);
      String where = "experiment.variants[" + i + "]";
      for (Map.Entry<String, ConfigValue> entry : variant.root().entrySet()) {
        if (!Set.of("name", "overrides").contains(entry.getKey())) {
          throw unknown(entry.getValue(), where + "." + entry.getKey(), Set.of("name", "overrides"));
        }
      }
      if (!variant.hasPath("name") || !variant.getString("name").matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
        throw new ScenarioException(variant.root().origin().description() + ": " + where + " needs a name of letters, digits, '-', '_' or '.' (it names run directories)");
      }
      String name = variant.getString("name");
      if (!names.add(name)) {
        throw new ScenarioException(variant.root().origin().description() + ": two variants are named '" + name + "'; expected a name of its own for each");
      }
      Config overrides = variant.hasPath("overrides") ? variant.getConfig("overrides") : ConfigFactory.empty();
      try {
        variants.add(new Experiment.Variant(name, scenario(file, experiment, overrides)));
      } catch (ScenarioException e) {
        throw new ScenarioException(e.getMessage() + " (in variant '" + name + "')", e);
      }
    }
    return List.copyOf(variants);
  }

  private static Scenario scenario(Path file, Config experiment, Config variantOverrides) {
    Path dir = file.toAbsolutePath().getParent();
    Path scenarioFile = dir.resolve(experiment.getString("scenario")).normalize();
    if (!Files.isRegularFile(scenarioFile)) {
      throw new ScenarioException(
          experiment.getValue("scenario").origin().description()
              + ": experiment.scenario names "
              + scenarioFile
              + ", which does not exist; expected a scenario file, relative to the experiment file");
    }
    Config scenarioOwn = ConfigFactory.parseFile(scenarioFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    Config overrides = variantOverrides.withFallback(experiment.getConfig("overrides")).atPath("clusteremu");
    return ScenarioLoader.fromConfig(file, overrides.withFallback(scenarioOwn), ConfigFactory.defaultReferenceUnresolved());
  }

  private static List<Phase> phases(Config experiment, Scenario scenario) {
    Config scenarioDriver = scenario.config().getConfig("clusteremu.driver");
    Config load = experiment.getConfig("load");
    checkDriverKeys(load, scenarioDriver, "experiment.load", Set.of());
    List<Phase> phases = new ArrayList<>();
    List<String> modes = experiment.getStringList("sweep.modes");
    List<Double> rates = experiment.getDoubleList("sweep.rates");
    List<Double> factors = experiment.getDoubleList("sweep.factors");
    if (!rates.isEmpty() && !factors.isEmpty()) {
      throw Checked.bad(experiment, "sweep.factors", "either sweep.rates or sweep.factors, not both");
    }
    boolean byFactor = !factors.isEmpty();
    List<Double> steps = byFactor ? factors : rates;
    String stepsKey = byFactor ? "sweep.factors" : "sweep.rates";
    if (modes.isEmpty() != steps.isEmpty()) {
      throw Checked.bad(experiment, modes.isEmpty() ? "sweep.modes" : stepsKey, "sweep.modes and " + stepsKey + " given together (a sweep runs every step in every mode)");
    }
    if (steps.stream().anyMatch(step -> step <= 0)) {
      throw Checked.bad(experiment, stepsKey, "numbers above zero");
    }
    Capacity capacity = Capacity.of(LaunchSettings.of(scenario), scenarioDriver.getInt("dispatchers"));
    for (int m = 0; m < modes.size(); m++) {
      String modeName = modes.get(m);
      Mode mode = java.util.Arrays.stream(Mode.values()).filter(x -> x.configName().equals(modeName)).findFirst().orElse(null);
      if (byFactor && mode == null) {
        throw Checked.bad(experiment, "sweep.modes", "proxy or handoff");
      }
      if (byFactor && Double.isInfinite(capacity.cluster(mode))) {
        throw Checked.bad(experiment, "sweep.factors", "a scenario whose model predicts a capacity (every tier here has zero demand, so there is none to take factors of)");
      }
      for (double step : steps) {
        double rate = byFactor ? Math.round(step * capacity.cluster(mode) * 10) / 10.0 : step;
        Config phase =
            ConfigFactory.empty()
                .withValue("mode", ConfigValueFactory.fromAnyRef(modes.get(m), experiment.getValue("sweep.modes").origin().description()))
                .withValue("rate", ConfigValueFactory.fromAnyRef(rate))
                .withValue("name", ConfigValueFactory.fromAnyRef(modes.get(m) + "-" + trim(step) + (byFactor ? "x" : "")));
        phases.add(phase(phase, load, scenarioDriver, "experiment.sweep"));
      }
    }
    List<? extends Config> explicit = experiment.getConfigList("phases");
    for (int i = 0; i < explicit.size(); i++) {
      Config phase = explicit.get(i);
      String where = "experiment.phases[" + i + "]";
      checkDriverKeys(phase, scenarioDriver, where, PHASE_KEYS);
      if (!phase.hasPath("name")) {
        phase = phase.withValue("name", ConfigValueFactory.fromAnyRef("phase-" + (phases.size() + 1)));
      }
      phases.add(phase(phase, load, scenarioDriver, where));
    }
    if (phases.isEmpty()) {
      throw new ScenarioException(
          experiment.origin().description() + ": the experiment has no phases; expected experiment.sweep { modes, rates } or experiment.phases");
    }
    Set<String> names = new HashSet<>();
    for (Phase phase : phases) {
      if (!names.add(phase.name())) {
        throw new ScenarioException(experiment.origin().description() + ": two phases are named '" + phase.name() + "'; expected a name of its own for each");
      }
    }
    return List.copyOf(phases);
  }

  /** A phase's driver settings: its own, over the experiment's load block, over the scenario's driver defaults. */
  private static Phase phase(Config phase, Config load, Config scenarioDriver, String where) {
    List<PhaseEvent> events = events(phase, where);
    if (phase.hasPath("events")) {
      phase = phase.withoutPath("events");
    }
    Config own = phase.withFallback(load);
    // Setting one loop implies leaving the other: users without a rate means a closed loop.
    if (own.hasPath("users") && !own.hasPath("rate")) {
      own = own.withValue("rate", ConfigValueFactory.fromAnyRef(0));
    }
    if (own.hasPath("rate") && !own.hasPath("users")) {
      own = own.withValue("users", ConfigValueFactory.fromAnyRef(0));
    }
    try {
      LoadSettings base = LoadSettings.fromConfig(own.withFallback(scenarioDriver));
      Mode mode = own.hasPath("mode") ? Checked.oneOf(own, "mode", Mode.class) : null;
      PolicyName policy = own.hasPath("policy") ? Checked.oneOf(own, "policy", PolicyName.class) : null;
      LoadSettings settings = base.withDispatching(mode, policy);
      String name = own.getString("name");
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
        throw Checked.bad(own, "name", "letters, digits, '-', '_' or '.' (it names a folder), got '" + name + "'");
      }
      for (PhaseEvent event : events) {
        if (event.at().compareTo(settings.warmup().plus(settings.duration())) >= 0) {
          throw new ScenarioException(
              where + ".events: an event at " + event.at().toMillis() + " ms is not within the phase (warm-up and duration: "
                  + settings.warmup().plus(settings.duration()).toMillis() + " ms); expected an earlier time");
        }
      }
      return new Phase(name, settings, events);
    } catch (ConfigException e) {
      throw new ScenarioException(e.getMessage() + " (in " + where + ")", e);
    }
  }

  private static final Set<String> EVENT_KEYS = Set.of("at", "migrate", "fault");
  private static final Set<String> FAULT_KEYS = Set.of("kind", "node", "duration", "from", "to", "latency", "bandwidth", "loss", "host");

  private static Duration atTime(Config event, String where) {
    try {
      return Checked.nonNegativeDuration(event, "at");
    } catch (ConfigException e) {
      throw new ScenarioException(e.getMessage() + " (in " + where + ")", e);
    }
  }

  /** A fault event's block as the body of {@code POST /faults}: { kind = freeze, node = app-2, duration = 12s }. */
  private static com.fasterxml.jackson.databind.node.ObjectNode faultBody(Config fault, String where) {
    for (Map.Entry<String, ConfigValue> entry : fault.root().entrySet()) {
      if (!FAULT_KEYS.contains(entry.getKey())) {
        throw unknown(entry.getValue(), where + "." + entry.getKey(), FAULT_KEYS);
      }
    }
    try {
      com.fasterxml.jackson.databind.node.ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      body.put("kind", fault.getString("kind"));
      for (String place : List.of("node", "from", "to", "host")) {
        if (fault.hasPath(place)) {
          body.put(place, fault.getString(place));
        }
      }
      if (fault.hasPath("duration")) {
        body.put("duration_ms", Checked.positiveDuration(fault, "duration").toMillis());
      }
      if (fault.hasPath("latency")) {
        body.put("latency_ms", Checked.nonNegativeDuration(fault, "latency").toMillis());
      }
      if (fault.hasPath("bandwidth")) {
        body.put("bandwidth", fault.getString("bandwidth"));
      }
      if (fault.hasPath("loss")) {
        body.put("loss", fault.getDouble("loss"));
      }
      return body;
    } catch (ConfigException e) {
      throw new ScenarioException(e.getMessage() + " (in " + where + ")", e);
    }
  }

  /** A phase's {@code events}: each { at = ..., migrate { vm, to, strategy, ... } } or { at = ..., fault { kind, node, duration } }. */
  private static List<PhaseEvent> events(Config phase, String where) {
    if (!phase.hasPath("events")) {
      return List.of();
    }
    List<PhaseEvent> events = new ArrayList<>();
    List<? extends Config> given = phase.getConfigList("events");
    for (int i = 0; i < given.size(); i++) {
      Config event = given.get(i);
      String at = where + ".events[" + i + "]";
      for (Map.Entry<String, ConfigValue> entry : event.root().entrySet()) {
        if (!EVENT_KEYS.contains(entry.getKey())) {
          throw unknown(entry.getValue(), at + "." + entry.getKey(), EVENT_KEYS);
        }
      }
      if (!event.hasPath("at") || event.hasPath("migrate") == event.hasPath("fault")) {
        throw new ScenarioException(
            event.root().origin().description() + ": " + at + " needs `at` (a time within the phase) and one of `migrate { vm, to, ... }` or `fault { kind, node, ... }`");
      }
      if (event.hasPath("fault")) {
        events.add(new PhaseEvent(atTime(event, at), null, faultBody(event.getConfig("fault"), at + ".fault")));
        continue;
      }
      Config migrate = event.getConfig("migrate");
      for (Map.Entry<String, ConfigValue> entry : migrate.root().entrySet()) {
        if (!MIGRATE_KEYS.contains(entry.getKey())) {
          throw unknown(entry.getValue(), at + ".migrate." + entry.getKey(), MIGRATE_KEYS);
        }
      }
      try {
        com.fasterxml.jackson.databind.node.ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        body.put("vm", migrate.getString("vm"));
        body.put("to", migrate.getString("to"));
        body.put("strategy", migrate.hasPath("strategy") ? migrate.getString("strategy") : "precopy");
        if (migrate.hasPath("max-downtime")) {
          body.put("max_downtime_ms", Checked.positiveDuration(migrate, "max-downtime").toMillis());
        }
        if (migrate.hasPath("max-rounds")) {
          body.put("max_rounds", Checked.positiveInt(migrate, "max-rounds"));
        }
        if (migrate.hasPath("bandwidth")) {
          body.put("bandwidth", migrate.getString("bandwidth"));
        }
        if (migrate.hasPath("auto-converge")) {
          body.put("auto_converge", migrate.getBoolean("auto-converge"));
        }
        if (migrate.hasPath("contents")) {
          body.put("contents", migrate.getString("contents"));
        }
        events.add(new PhaseEvent(atTime(event, at), body));
      } catch (ConfigException e) {
        throw new ScenarioException(e.getMessage() + " (in " + at + ")", e);
      }
    }
    return List.copyOf(events);
  }

  /** Every migration event names a VM and a host of the scenario, a strategy that exists, and a bandwidth that parses. */
  private static void checkEvents(Path file, List<Phase> phases, clusteremu.node.scenario.Scenario scenario) {
    clusteremu.node.datacenter.Topology topology =
        scenario.datacenter().orElseGet(() -> clusteremu.node.scenario.OneHostPerNode.of(scenario));
    for (Phase phase : phases) {
      for (PhaseEvent event : phase.events()) {
        if (event.fault() != null) {
          checkFault(file, phase, event, scenario);
          continue;
        }
        try {
          var request = clusteremu.node.control.MigrationBody.parse(event.migrate().toString());
          // Placement changes from phase to phase: check the names only, not where the VM is then.
          Optional<String> bad =
              clusteremu.node.migration.MigrationRequests.check(
                  request, topology, clusteremu.node.datacenter.placement.Placement.initial(topology));
          if (bad.isPresent() && !bad.get().startsWith("to: VM ")) {
            throw new ScenarioException(file + ": phase " + phase.name() + ": event at " + event.at().toMillis() + " ms: " + bad.get());
          }
        } catch (clusteremu.node.control.BodyFields.Invalid e) {
          throw new ScenarioException(file + ": phase " + phase.name() + ": event at " + event.at().toMillis() + " ms: " + e.getMessage());
        }
      }
    }
  }

  /** A fault event is one the control API would take, on a node of the scenario. */
  private static void checkFault(Path file, Phase phase, PhaseEvent event, clusteremu.node.scenario.Scenario scenario) {
    String where = file + ": phase " + phase.name() + ": event at " + event.at().toMillis() + " ms: ";
    try {
      clusteremu.node.fault.Fault fault = clusteremu.node.control.FaultBody.parse(event.fault().toString());
      if (fault.kind().onHost()) {
        clusteremu.node.datacenter.Topology hosts = scenario.datacenter().orElseGet(() -> clusteremu.node.scenario.OneHostPerNode.of(scenario));
        if (!hosts.hosts().containsKey(fault.host())) {
          throw new ScenarioException(where + "fault.host: no host " + fault.host() + "; expected one of " + hosts.hosts().keySet());
        }
        return;
      }
      if (fault.kind().onPaths()) {
        clusteremu.node.datacenter.Topology topology = scenario.datacenter().orElse(null);
        if (topology == null || !scenario.config().getBoolean("clusteremu.datacenter.network-model")) {
          throw new ScenarioException(where + "fault.kind: a " + fault.kind().configName() + " needs a datacenter with its network model on");
        }
        for (String place : List.of(fault.from(), fault.to())) {
          if (!topology.hosts().containsKey(place) && !topology.racks().containsKey(place) && !topology.rows().containsKey(place)) {
            throw new ScenarioException(where + "fault: no host, rack or row " + place + " in the datacenter");
          }
        }
        return;
      }
      if (scenario.nodes().stream().noneMatch(n -> n.name().equals(fault.node()))) {
        throw new ScenarioException(
            where + "fault.node: no node " + fault.node() + " in the scenario; the nodes are " + scenario.nodes().stream().map(n -> n.name()).toList());
      }
    } catch (clusteremu.node.control.BodyFields.Invalid e) {
      throw new ScenarioException(where + "fault." + e.getMessage().replace("duration_ms", "duration").replace("latency_ms", "latency"));
    }
  }

  private static void checkDriverKeys(Config block, Config scenarioDriver, String where, Set<String> extra) {
    for (Map.Entry<String, ConfigValue> entry : block.root().entrySet()) {
      if (!scenarioDriver.hasPath(entry.getKey()) && !extra.contains(entry.getKey())) {
        Set<String> expected = new TreeSet<>(scenarioDriver.root().keySet());
        expected.addAll(extra);
        throw unknown(entry.getValue(), where + "." + entry.getKey(), expected);
      }
    }
  }

  private static String trim(double rate) {
    return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
  }
}
