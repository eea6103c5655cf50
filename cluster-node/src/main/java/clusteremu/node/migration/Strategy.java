package clusteremu.node.migration;

import clusteremu.tiers.settings.ConfigNamed;

/** How a VM moves, after the lecture notes and QEMU. */
public enum Strategy implements ConfigNamed {
  /** Round 0 sends every page, each next round the pages dirtied during the last; then a short stop-and-copy. */
  PRECOPY("precopy"),
  /** Pause, copy everything, resume: downtime is the whole copy. */
  STOPCOPY("stopcopy"),
  /** Pause, move the execution state, resume at once at the destination and fetch pages on demand. */
  POSTCOPY("postcopy"),
  /** Pre-copy for some rounds, then post-copy (QEMU's migrate-start-postcopy). */
  HYBRID("hybrid"),
  /** Weak mobility: stop the guest and start a fresh one at the destination; its memory is lost. */
  COLD("cold");

  private final String configName;

  Strategy(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }
}
