package clusteremu.node.scenario;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The tier components a node can carry, by the names a scenario uses for them. */
public enum ComponentKind {
  DISPATCHER("dispatcher"),
  APP_SERVER("app-server"),
  DATA_SERVER("data-server");

  private final String configName;

  ComponentKind(String configName) {
    this.configName = configName;
  }

  /** The name in scenario files, the settings block under {@code clusteremu}, and the cluster role. */
  public String configName() {
    return configName;
  }

  public static Optional<ComponentKind> byName(String name) {
    return Arrays.stream(values()).filter(k -> k.configName.equals(name)).findFirst();
  }

  public static String allNames() {
    return Arrays.stream(values()).map(ComponentKind::configName).collect(Collectors.joining(", "));
  }
}
