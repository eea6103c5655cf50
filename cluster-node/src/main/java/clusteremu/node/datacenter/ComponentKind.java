package clusteremu.node.datacenter;

import clusteremu.tiers.settings.ConfigNamed;

/** The tier components a node can carry, by the names a scenario uses for them. */
public enum ComponentKind implements ConfigNamed {
  DISPATCHER("dispatcher"),
  APP_SERVER("app-server"),
  DATA_SERVER("data-server");

  private final String configName;

  ComponentKind(String configName) {
    this.configName = configName;
  }

  /** The name in scenario files, the settings block under {@code clusteremu}, and the cluster role. */
  @Override
  public String configName() {
    return configName;
  }

}
