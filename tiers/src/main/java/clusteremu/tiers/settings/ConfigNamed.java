package clusteremu.tiers.settings;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum whose values have the names that scenario files and command lines use for them. */
public interface ConfigNamed {

  /** The name in configuration, e.g. {@code round-robin}. */
  String configName();

  /** The value of {@code type} called {@code name}, if there is one. */
  static <E extends Enum<E> & ConfigNamed> Optional<E> byName(Class<E> type, String name) {
    return Arrays.stream(type.getEnumConstants()).filter(e -> e.configName().equals(name)).findFirst();
  }

  /** All names of {@code type}, for messages: "a, b, c". */
  static <E extends Enum<E> & ConfigNamed> String names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(ConfigNamed::configName).collect(Collectors.joining(", "));
  }
}
