package clusteremu.node.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a setting was written, as {@code file:line}, for messages to the user. Typesafe Config
 * describes a block that several files contributed to as "merge of a.conf: 3,reference.conf @
 * jar:file:...!/reference.conf: 17", which tells the user nothing: a merged block is placed at
 * the first of its settings that a user's file wrote instead.
 */
public final class Origins {
  private static final String MERGE = "merge of ";
  private static final Pattern PLACE = Pattern.compile("(.*): (\\d+)(?:-\\d+)?");

  private Origins() {}

  /** Where {@code value} was written, preferring a user's file over the reference.conf files. */
  public static String of(ConfigValue value) {
    String user = inUserFile(value);
    return user != null ? user : of(value.origin());
  }

  /** An origin as {@code file:line} ({@code reference.conf:12} for a default), never a merge or a jar URL. */
  public static String of(ConfigOrigin origin) {
    String description = origin.description();
    if (description.startsWith(MERGE)) {
      return ofMerge(description.substring(MERGE.length()));
    }
    String name = origin.resource() != null ? origin.resource() : origin.filename();
    if (name == null) {
      return description; // made in code or from a string: its description is all there is
    }
    return origin.lineNumber() > 0 ? name + ":" + origin.lineNumber() : name;
  }

  /**
   * A Typesafe Config error's message with its place given as {@link #of(ConfigOrigin)}: the
   * exception puts the origin's description in front of what went wrong.
   */
  public static String message(ConfigException e) {
    String message = e.getMessage();
    if (e.origin() != null && message.startsWith(e.origin().description() + ": ")) {
      return of(e.origin()) + message.substring(e.origin().description().length());
    }
    return message;
  }

  /** The first place, in key order, where a user's file wrote this value or a part of it. */
  private static String inUserFile(ConfigValue value) {
    if (isUserFile(value.origin())) {
      return of(value.origin());
    }
    if (value instanceof ConfigObject object) {
      for (String key : new TreeSet<>(object.keySet())) {
        String found = inUserFile(object.get(key));
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof ConfigList list) {
      for (ConfigValue item : list) {
        String found = inUserFile(item);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static boolean isUserFile(ConfigOrigin origin) {
    return origin.resource() == null
        && origin.filename() != null
        && !origin.description().startsWith(MERGE);
  }

  /** A merge's description lists its parts' descriptions: the first from a file, else the first. */
  private static String ofMerge(String parts) {
    String first = null;
    for (String part : parts.split(",")) {
      Matcher place = PLACE.matcher(part.trim());
      if (!place.matches()) {
        continue;
      }
      String name = place.group(1);
      int resource = name.indexOf(" @ ");
      String found = (resource >= 0 ? name.substring(0, resource) : name) + ":" + place.group(2);
      if (resource < 0) {
        return found;
      }
      if (first == null) {
        first = found;
      }
    }
    return first != null ? first : "(merged settings)";
  }
}
