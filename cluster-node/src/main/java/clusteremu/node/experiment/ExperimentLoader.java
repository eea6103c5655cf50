package clusteremu.node.experiment;

import clusteremu.node.report.Capacity;
import clusteremu.node.scenario.LaunchSettings;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.config.Origins;
import clusteremu.node.config.ScenarioException;
import clusteremu.node.config.Schema;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import clusteremu.tiers.driver.LoadSettings;
import clusteremu.tiers.settings.Checked;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an experiment file over {@code experiment-reference.conf}: the scenario it names (relative
 * to the experiment file) with the experiment's overrides on top, and its phases. Anything wrong
 * is refused with one message naming the file, the key and what was expected.
 */
public final class ExperimentLoader {
  private ExperimentLoader() {}

  public static Experiment load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ScenarioException(file + ": no such experiment file (expected a HOCON file such as config/experiments/dispatcher-bottleneck.conf)");
    }
    try {
      Config own = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      Config reference = ConfigFactory.parseResources("experiment-reference.conf");
      Schema.experiment(ConfigFactory.defaultReferenceUnresolved()).check(own);
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
      throw new ScenarioException(Origins.message(e), e);
    }
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
      if (!variant.hasPath("name") || !variant.getString("name").matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
        throw new ScenarioException(Origins.of(variant.root()) + ": " + where + " needs a name of letters, digits, '-', '_' or '.' (it names run directories)");
      }
      String name = variant.getString("name");
      if (!names.add(name)) {
        throw new ScenarioException(Origins.of(variant.root()) + ": two variants are named '" + name + "'; expected a name of its own for each");
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
          Origins.of(experiment.getValue("scenario"))
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
                .withValue("mode", ConfigValueFactory.fromAnyRef(modes.get(m), Origins.of(experiment.getValue("sweep.modes"))))
                .withValue("rate", ConfigValueFactory.fromAnyRef(rate))
                .withValue("name", ConfigValueFactory.fromAnyRef(modes.get(m) + "-" + trim(step) + (byFactor ? "x" : "")));
        phases.add(phase(phase, load, scenarioDriver, "experiment.sweep"));
      }
    }
    List<? extends Config> explicit = experiment.getConfigList("phases");
    for (int i = 0; i < explicit.size(); i++) {
      Config phase = explicit.get(i);
      String where = "experiment.phases[" + i + "]";
      if (!phase.hasPath("name")) {
        phase = phase.withValue("name", ConfigValueFactory.fromAnyRef("phase-" + (phases.size() + 1)));
      }
      phases.add(phase(phase, load, scenarioDriver, where));
    }
    if (phases.isEmpty()) {
      throw new ScenarioException(
          Origins.of(experiment.root()) + ": the experiment has no phases; expected experiment.sweep { modes, rates } or experiment.phases");
    }
    Set<String> names = new HashSet<>();
    for (Phase phase : phases) {
      if (!names.add(phase.name())) {
        throw new ScenarioException(Origins.of(experiment.root()) + ": two phases are named '" + phase.name() + "'; expected a name of its own for each");
      }
    }
    return List.copyOf(phases);
  }

  /** A phase's driver settings: its own, over the experiment's load block, over the scenario's driver defaults. */
  private static Phase phase(Config phase, Config load, Config scenarioDriver, String where) {
    List<PhaseEvent> events = events(phase, where);
    List<com.typesafe.config.ConfigValue> written = phase.hasPath("events") ? phase.getList("events") : List.of();
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
      for (int i = 0; i < events.size(); i++) {
        PhaseEvent event = events.get(i);
        if (event.at().compareTo(settings.warmup().plus(settings.duration())) >= 0) {
          throw new ScenarioException(
              Origins.of(written.get(i)) + ": " + where + ".events: an event at " + event.at().toMillis() + " ms is not within the phase (warm-up and duration: "
                  + settings.warmup().plus(settings.duration()).toMillis() + " ms); expected an earlier time");
        }
      }
      return new Phase(name, settings, events);
    } catch (ConfigException e) {
      throw new ScenarioException(Origins.message(e) + " (in " + where + ")", e);
    }
  }

  private static Duration atTime(Config event, String where) {
    try {
      return Checked.nonNegativeDuration(event, "at");
    } catch (ConfigException e) {
      throw new ScenarioException(Origins.message(e) + " (in " + where + ")", e);
    }
  }

  /** A fault event's block as the body of {@code POST /faults}: { kind = freeze, node = app-2, duration = 12s }. */
  private static com.fasterxml.jackson.databind.node.ObjectNode faultBody(Config fault, String where) {
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
      throw new ScenarioException(Origins.message(e) + " (in " + where + ")", e);
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
      if (!event.hasPath("at") || event.hasPath("migrate") == event.hasPath("fault")) {
        throw new ScenarioException(
            Origins.of(event.root()) + ": " + at + " needs `at` (a time within the phase) and one of `migrate { vm, to, ... }` or `fault { kind, node, ... }`");
      }
      if (event.hasPath("fault")) {
        events.add(new PhaseEvent(atTime(event, at), null, faultBody(event.getConfig("fault"), at + ".fault")));
        continue;
      }
      Config migrate = event.getConfig("migrate");
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
        throw new ScenarioException(Origins.message(e) + " (in " + at + ")", e);
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

  private static String trim(double rate) {
    return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
  }
}
