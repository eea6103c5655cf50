package clusteremu.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks a user's configuration against a schema (see {@link Schema}): every key must be one the
 * schema has, and every value of the kind of the schema's value there. Two conventions make room
 * for blocks of names: a schema key {@value #ANY_NAME} stands for any key without a schema entry
 * of its own, each checked against its value; a schema block holding {@value #UNCHECKED} takes
 * anything (settings that someone else reads and checks: Pekko's). A non-empty schema list gives
 * the shape of every item with its first. The first mismatch is refused with a
 * {@link ScenarioException} naming the user's file and line.
 */
public final class SchemaWalker {
  /** A schema key that stands for any name, e.g. {@code nodes."*" { port = 0, ... }}. */
  public static final String ANY_NAME = "*";
  /** A schema key under which nothing is checked. */
  public static final String UNCHECKED = "**";

  /**
   * The kind of each schema value, worked out once: a datacenter of thousands of hosts checks
   * every host against the same shape, and telling a duration from a string throws inside
   * Typesafe Config.
   */
  private final Map<ConfigValue, ValueKind> kinds = new IdentityHashMap<>();

  private SchemaWalker() {}

  /** Checks {@code given} (a file as parsed) against the schema's root. */
  public static void check(Config given, ConfigObject schema) {
    new SchemaWalker().walkObject("", given.root(), schema);
  }

  private void walk(String path, ConfigValue given, ConfigValue schema) {
    try {
      ValueKind kind = kinds.computeIfAbsent(schema, ValueKind::of);
      if (!kind.accepts(given)) {
        throw new ScenarioException(
            Origins.of(given) + ": '" + path + "' is " + ValueKind.describe(given) + "; expected " + kind.expected(schema));
      }
      if (kind == ValueKind.OBJECT) {
        walkObject(path, (ConfigObject) given, (ConfigObject) schema);
      } else if (kind == ValueKind.LIST) {
        walkList(path, ValueKind.items(given), ValueKind.items(schema));
      }
    } catch (ConfigException.NotResolved e) {
      // A substitution (${...}) has no value before it is resolved; the loaders read it after.
    }
  }

  private void walkObject(String path, ConfigObject given, ConfigObject schema) {
    if (schema.containsKey(UNCHECKED)) {
      return;
    }
    for (String key : new TreeSet<>(given.keySet())) {
      ConfigValue shape = schema.containsKey(key) ? schema.get(key) : schema.get(ANY_NAME);
      String keyPath = path.isEmpty() ? element(key) : path + "." + element(key);
      if (shape == null) {
        throw unknownKey(keyPath, key, given.get(key), schema.keySet());
      }
      walk(keyPath, given.get(key), shape);
    }
  }

  private void walkList(String path, List<ConfigValue> given, List<ConfigValue> schema) {
    if (schema.isEmpty()) {
      return; // no shape given: any items
    }
    for (int i = 0; i < given.size(); i++) {
      walk(path + "[" + i + "]", given.get(i), schema.get(0));
    }
  }

  private static ScenarioException unknownKey(String path, String key, ConfigValue given, Set<String> known) {
    Set<String> expected = new TreeSet<>(known);
    expected.remove(ANY_NAME);
    String hint =
        expected.isEmpty()
            ? "expected no keys here"
            : DidYouMean.nearest(key, expected)
                .map(near -> "did you mean '" + near + "'?")
                .orElseGet(() -> "expected one of: " + String.join(", ", expected));
    return new ScenarioException(Origins.of(given) + ": unknown key '" + path + "'; " + hint);
  }

  /** A key as a part of a path, quoted where HOCON needs it (a node name with a '.'). */
  public static String element(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : ConfigUtil.quoteString(key);
  }
}
