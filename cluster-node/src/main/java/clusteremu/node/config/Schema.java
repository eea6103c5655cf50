package clusteremu.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;

/**
 * What a configuration file may hold: its reference.conf, with the shape of each entry where the
 * reference has a block of names or a list (an empty {@code nodes {}} or {@code phases = []}).
 * Those shapes are written once, in {@code scenario-schema.conf} and {@code
 * experiment-schema.conf}, mostly as substitutions of the reference's own blocks, so a setting
 * added to reference.conf is known everywhere it may appear.
 */
public final class Schema {
  private final ConfigObject root;

  private Schema(ConfigObject root) {
    this.root = root;
  }

  /** A scenario file's: {@code clusteremu} and {@code pekko} over the given reference.conf files. */
  public static Schema scenario(Config reference) {
    return new Schema(over("scenario-schema.conf", reference));
  }

  /** An experiment file's: {@code experiment}, whose overrides take a scenario's {@code clusteremu}. */
  public static Schema experiment(Config scenarioReference) {
    Config experimentReference = resource("experiment-reference.conf");
    return new Schema(over("experiment-schema.conf", experimentReference.withFallback(scenario(scenarioReference).root)));
  }

  /** Refuses, naming the file and line, the first key or value of {@code given} this schema has not. */
  public void check(Config given) {
    SchemaWalker.check(resolvedWherePossible(given), root);
  }

  /**
   * {@code given} with its substitutions resolved over itself and the defaults, so that a block
   * built from another ({@code vms.x = ${...vms.app-1} { vcpu = 4 }}) is checked whole; what cannot
   * be resolved yet stays as it is, and the loaders read it resolved.
   */
  private Config resolvedWherePossible(Config given) {
    try {
      return given.resolveWith(given.withFallback(root.toConfig()), ConfigResolveOptions.defaults().setAllowUnresolved(true));
    } catch (ConfigException e) {
      return given;
    }
  }

  /** The shapes resource over the source it substitutes from, cut to the resource's top-level keys. */
  private static ConfigObject over(String resource, Config source) {
    Config shapes = resource(resource);
    ConfigObject resolved = shapes.withFallback(source).resolve().root();
    ConfigObject cut = resolved;
    for (String key : resolved.keySet()) {
      if (!shapes.root().containsKey(key)) {
        cut = cut.withoutKey(key);
      }
    }
    return cut;
  }

  private static Config resource(String name) {
    return ConfigFactory.parseResources(Schema.class.getClassLoader(), name, ConfigParseOptions.defaults().setAllowMissing(false));
  }
}
