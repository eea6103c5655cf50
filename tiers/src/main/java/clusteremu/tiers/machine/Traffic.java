package clusteremu.tiers.machine;

import clusteremu.tiers.settings.ConfigNamed;

/**
 * What kind of message crosses the emulated network, and so how many bytes it counts for: the
 * sizes are settings ({@code clusteremu.datacenter.message-sizes}), not what Pekko sends.
 */
public enum Traffic implements ConfigNamed {
  /** A client request, as the driver, dispatcher and app server pass it on. */
  REQUEST("request"),
  /** The answer to a request. */
  REPLY("reply"),
  /** A read or write an app server asks of the data tier. */
  DATA_ACCESS("data-access"),
  /** The data tier's answer. */
  DATA_ANSWER("data-answer"),
  /** Small bookkeeping, e.g. an app server telling the dispatcher a request finished. */
  CONTROL("control"),
  /** One memory page (its size is the page size). */
  PAGE("page");

  private final String configName;

  Traffic(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }

  /** The kind of a message: what it declares, or {@link #CONTROL} if it declares nothing. */
  public static Traffic of(Object message) {
    return message instanceof Carried carried ? carried.traffic() : CONTROL;
  }

  /** A message that says what kind of traffic it is. */
  public interface Carried {
    Traffic traffic();
  }
}
