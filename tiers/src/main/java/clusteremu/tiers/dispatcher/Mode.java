package clusteremu.tiers.dispatcher;

import clusteremu.tiers.settings.ConfigNamed;

/** How replies travel: back through the dispatcher, or from the app server straight to the client. */
public enum Mode implements ConfigNamed {
  /** Replies return through the dispatcher, which pays for relaying them. */
  PROXY("proxy"),
  /** The app server answers the client directly, as TCP handoff or LVS direct routing do. */
  HANDOFF("handoff");

  private final String configName;

  Mode(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }

}
