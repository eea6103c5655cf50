package clusteremu.node.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads the JSON body of a control API request strictly: an object with only known fields, each of
 * the expected type, every error naming the field.
 */
public final class BodyFields {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BodyFields() {}

  /** A body that is not what the request takes; the message names the field. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  /** The body as a JSON object whose fields are all among {@code fields}. */
  static JsonNode object(String body, Set<String> fields) throws Invalid {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Invalid("the body is not JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new Invalid("expected a JSON object with fields " + fields);
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new Invalid(name + ": unknown field; expected one of " + fields);
      }
    }
    return json;
  }

  /** A string field; null {@code fallback}: required. */
  static String text(JsonNode json, String field, String fallback) throws Invalid {
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

  static long number(JsonNode json, String field, long fallback) throws Invalid {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber()) {
      throw new Invalid(field + ": expected a whole number, got " + value);
    }
    return value.asLong();
  }

  static boolean flag(JsonNode json, String field) throws Invalid {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new Invalid(field + ": expected true or false, got " + value);
    }
    return value.asBoolean();
  }
}
