package clusteremu.node.control;

import clusteremu.node.datacenter.Bandwidth;
import clusteremu.node.migration.MigrationSettings;
import clusteremu.node.migration.Migrations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Iterator;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A body that is not what {@code POST /migrations} takes; the message names the field. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  private MigrationBody() {}

  public static Migrations.Request parse(String body) throws Invalid {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Invalid("the body is not JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new Invalid("expected a JSON object with fields " + FIELDS);
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new Invalid(name + ": unknown field; expected one of " + FIELDS);
      }
    }
    return new Migrations.Request(
        text(json, "vm", null),
        text(json, "to", null),
        text(json, "strategy", "precopy"),
        number(json, "max_downtime_ms", MigrationSettings.DEFAULT_MAX_DOWNTIME.toMillis()),
        (int) number(json, "max_rounds", MigrationSettings.DEFAULT_MAX_ROUNDS),
        bandwidth(json),
        flag(json, "auto_converge"),
        realContents(json));
  }

  /** {@code "synthetic"} (numbers and versions travel) or {@code "real"} (4 KiB per page too). */
  private static boolean realContents(JsonNode json) throws Invalid {
    String contents = text(json, "contents", "synthetic");
    return switch (contents) {
      case "synthetic" -> false;
      case "real" -> true;
      default -> throw new Invalid("contents: expected synthetic or real, got \"" + contents + "\"");
    };
  }

  private static String text(JsonNode json, String field, String fallback) throws Invalid {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      if (fallback == null) {
        throw new Invalid(field + ": required");
      }
      return fallback;
    }
    if (!value.isTextual()) {
      throw new Invalid(field + ": expected a string, got " + value);
    }
    return value.asText();
  }

  private static long number(JsonNode json, String field, long fallback) throws Invalid {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber()) {
      throw new Invalid(field + ": expected a whole number, got " + value);
    }
    return value.asLong();
  }

  private static boolean flag(JsonNode json, String field) throws Invalid {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new Invalid(field + ": expected true or false, got " + value);
    }
    return value.asBoolean();
  }

  /** In the units of the link bandwidths ("10Gbit"), or bytes per second as a number. */
  private static double bandwidth(JsonNode json) throws Invalid {
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
      throw new Invalid("bandwidth: expected bits per second such as 10Gbit or 500Mbit, got " + value);
    }
  }
}
