package clusteremu.node.datacenter;

import clusteremu.tiers.settings.Checked;
import com.typesafe.config.Config;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a bandwidth such as {@code 10Gbit} or {@code 500Mbit} (bits per second, decimal units,
 * as network links are sold) and returns bytes per second.
 */
public final class Bandwidth {
  private static final Pattern FORM = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kKmMgGtT]?)bit\\s*");

  private Bandwidth() {}

  public static double bytesPerSecond(Config config, String path) {
    String text = config.getString(path);
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw Checked.bad(
          config, path, "expected a bandwidth above zero such as 10Gbit, 500Mbit or 64kbit; got '" + text + "'");
    }
    double bits = Double.parseDouble(m.group(1));
    bits *=
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 1e3;
          case "m" -> 1e6;
          case "g" -> 1e9;
          case "t" -> 1e12;
          default -> 1;
        };
    if (!(bits > 0)) {
      throw Checked.bad(config, path, "expected a bandwidth above zero such as 10Gbit; got '" + text + "'");
    }
    return bits / 8;
  }

  /** A human form of bytes per second, in bits per second, for tables. */
  public static String format(double bytesPerSecond) {
    double bits = bytesPerSecond * 8;
    if (bits >= 1e9) {
      return trim(bits / 1e9) + "Gbit";
    }
    if (bits >= 1e6) {
      return trim(bits / 1e6) + "Mbit";
    }
    return trim(bits / 1e3) + "kbit";
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
  }
}
