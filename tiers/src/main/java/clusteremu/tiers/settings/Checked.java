package clusteremu.tiers.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Reads settings that must be in range, failing with Typesafe Config's own {@link
 * ConfigException.BadValue}, whose message names the file, the line, the key and what was
 * expected.
 */
public final class Checked {
  private Checked() {}

  public static int positiveInt(Config config, String path) {
    int value = config.getInt(path);
    if (value <= 0) {
      throw bad(config, path, "expected a whole number above zero, got " + value);
    }
    return value;
  }

  public static long positiveLong(Config config, String path) {
    long value = config.getLong(path);
    if (value <= 0) {
      throw bad(config, path, "expected a whole number above zero, got " + value);
    }
    return value;
  }

  public static int nonNegativeInt(Config config, String path) {
    int value = config.getInt(path);
    if (value < 0) {
      throw bad(config, path, "expected a whole number of zero or more, got " + value);
    }
    return value;
  }

  public static double fraction(Config config, String path) {
    double value = config.getDouble(path);
    if (!(value >= 0 && value <= 1)) {
      throw bad(config, path, "expected a number from 0 to 1, got " + value);
    }
    return value;
  }

  public static Duration positiveDuration(Config config, String path) {
    Duration value = config.getDuration(path);
    if (value.isZero() || value.isNegative()) {
      throw bad(config, path, "expected a duration above zero (e.g. 30s), got " + value);
    }
    return value;
  }

  public static Duration nonNegativeDuration(Config config, String path) {
    Duration value = config.getDuration(path);
    if (value.isNegative()) {
      throw bad(config, path, "expected a duration of zero or more (e.g. 2ms), got " + value);
    }
    return value;
  }

  /** One of an enum's values by its configured name (e.g. {@code round-robin}). */
  public static <E extends Enum<E> & ConfigNamed> E oneOf(Config config, String path, Class<E> type) {
    String value = config.getString(path);
    return ConfigNamed.byName(type, value)
        .orElseThrow(() -> bad(config, path, "expected one of " + ConfigNamed.names(type) + "; got '" + value + "'"));
  }

  public static ConfigException bad(Config config, String path, String expected) {
    return new ConfigException.BadValue(config.getValue(path).origin(), path, expected);
  }
}
