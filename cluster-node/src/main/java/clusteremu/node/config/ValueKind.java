package clusteremu.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Set;

/**
 * The kind of value a schema setting asks for, read off its default. A value is accepted when
 * Typesafe Config's own getter for the kind reads it (a duration may be {@code 5s} or a number of
 * milliseconds, a boolean {@code on}), so the walker is never stricter than the loaders.
 */
enum ValueKind {
  NUMBER("a number"),
  BOOLEAN("on or off"),
  STRING("a string"),
  DURATION("a duration"),
  MEMORY_SIZE("a memory size"),
  LIST("a list"),
  OBJECT("an object"),
  ANY("anything");

  private static final Set<String> BOOLEAN_WORDS = Set.of("on", "off", "true", "false", "yes", "no");
  private final String expected;

  ValueKind(String expected) {
    this.expected = expected;
  }

  /**
   * What a default asks for. HOCON has no durations or sizes, only strings: "2ms" asks for a
   * duration, "4GiB" for a size, "on" for a boolean; "256m" reads as both a duration and a size,
   * so it asks for a string (as -Xmx sizes do).
   */
  static ValueKind of(ConfigValue schema) {
    switch (schema.valueType()) {
      case OBJECT:
        return OBJECT;
      case LIST:
        return LIST;
      case NUMBER:
        return NUMBER;
      case BOOLEAN:
        return BOOLEAN;
      case NULL:
        return ANY;
      default:
        String text = String.valueOf(schema.unwrapped());
        if (BOOLEAN_WORDS.contains(text)) {
          return BOOLEAN;
        }
        boolean duration = DURATION.accepts(schema);
        boolean size = MEMORY_SIZE.accepts(schema);
        return duration == size ? STRING : duration ? DURATION : MEMORY_SIZE;
    }
  }

  /** Whether {@code given} is of this kind. Throws ConfigException.NotResolved for a substitution. */
  boolean accepts(ConfigValue given) {
    Config one = ConfigFactory.empty().withValue("v", given);
    try {
      switch (this) {
        case NUMBER -> one.getNumber("v");
        case BOOLEAN -> one.getBoolean("v");
        case STRING -> one.getString("v");
        case DURATION -> one.getDuration("v");
        case MEMORY_SIZE -> one.getBytes("v");
        case LIST -> one.getList("v");
        case OBJECT -> one.getObject("v");
        case ANY -> { }
      }
      return true;
    } catch (ConfigException.NotResolved e) {
      throw e;
    } catch (ConfigException e) {
      return false;
    }
  }

  /** The items of a given list (one that {@link #accepts} as a LIST). */
  static List<ConfigValue> items(ConfigValue list) {
    return List.copyOf(ConfigFactory.empty().withValue("v", list).getList("v"));
  }

  /** "a number, such as 2": what was expected, with the default as an example where it helps. */
  String expected(ConfigValue schema) {
    boolean scalar = this == NUMBER || this == STRING || this == DURATION || this == MEMORY_SIZE;
    String example = String.valueOf(schema.unwrapped());
    return scalar && !example.isEmpty() ? expected + ", such as " + example : expected;
  }

  /** A given value for a message: "\"many\" (a string)", "a list". */
  static String describe(ConfigValue given) {
    return switch (given.valueType()) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NULL -> "null";
      case STRING -> "\"" + given.unwrapped() + "\" (a string)";
      case NUMBER -> given.unwrapped() + " (a number)";
      case BOOLEAN -> given.unwrapped() + " (a boolean)";
    };
  }
}
