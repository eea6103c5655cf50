package clusteremu.node.control;

import clusteremu.node.datacenter.Bandwidth;
import clusteremu.node.migration.MigrationSettings;
import clusteremu.node.migration.Migrations;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of {@code POST /migrations}, read strictly: every field is named in the error when it
 * is missing, of the wrong type, or unknown.
 *
 * <pre>{"vm": "data-1", "to": "a2-h1", "strategy": "precopy", "max_downtime_ms": 300,
 *  "max_rounds": 30, "bandwidth": "1Gbit", "auto_converge": false, "contents": "synthetic"}</pre>
 */
public final class MigrationBody {
  static final Set<String> FIELDS = new TreeSet<>(Set.of("vm", "to", "strategy", "max_downtime_ms", "max_rounds", "bandwidth", "auto_converge", "contents"));

  private MigrationBody() {}

  public static Migrations.Request parse(String body) throws BodyFields.Invalid {
    JsonNode json = BodyFields.object(body, FIELDS);
    return new Migrations.Request(
        BodyFields.text(json, "vm", null),
        BodyFields.text(json, "to", null),
        BodyFields.text(json, "strategy", "precopy"),
        BodyFields.number(json, "max_downtime_ms", MigrationSettings.DEFAULT_MAX_DOWNTIME.toMillis()),
        (int) BodyFields.number(json, "max_rounds", MigrationSettings.DEFAULT_MAX_ROUNDS),
        bandwidth(json),
        BodyFields.flag(json, "auto_converge"),
        realContents(json));
  }

  /** {@code "synthetic"} (numbers and versions travel) or {@code "real"} (4 KiB per page too). */
  private static boolean realContents(JsonNode json) throws BodyFields.Invalid {
    String contents = BodyFields.text(json, "contents", "synthetic");
    return switch (contents) {
      case "synthetic" -> false;
      case "real" -> true;
      default -> throw new BodyFields.Invalid("contents: expected synthetic or real, got \"" + contents + "\"");
    };
  }

  /** In the units of the link bandwidths ("10Gbit"), or bytes per second as a number. */
  private static double bandwidth(JsonNode json) throws BodyFields.Invalid {
    JsonNode value = json.get("bandwidth");
    if (value == null || value.isNull()) {
      return MigrationSettings.DEFAULT_BANDWIDTH;
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    try {
      return Bandwidth.bytesPerSecond(ConfigFactory.empty().withValue("bandwidth", ConfigValueFactory.fromAnyRef(value.asText())), "bandwidth");
    } catch (ConfigException e) {
      throw new BodyFields.Invalid("bandwidth: expected bits per second such as 10Gbit or 500Mbit, got " + value);
    }
  }
}
