package clusteremu.tiers.dispatcher;

import java.util.Arrays;
import java.util.Optional;

/** How replies travel: back through the dispatcher, or from the app server straight to the client. */
public enum Mode {
  /** Replies return through the dispatcher, which pays for relaying them. */
  PROXY("proxy"),
  /** The app server answers the client directly, as TCP handoff or LVS direct routing do. */
  HANDOFF("handoff");

  private final String configName;

  Mode(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static Optional<Mode> byName(String name) {
    return Arrays.stream(values()).filter(m -> m.configName.equals(name)).findFirst();
  }
}
