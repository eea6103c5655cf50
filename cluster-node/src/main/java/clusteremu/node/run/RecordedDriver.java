package clusteremu.node.run;

import clusteremu.tiers.driver.LoadSettings;

/**
 * The driver's defaults in the run's scenario ({@link LoadSettings}): what a phase or a driver
 * run offers unless it says otherwise. A phase's own values are in its summary.json.
 */
public record RecordedDriver(double rate, int users, double readRatio, long keys, int dispatchers) {

  public static RecordedDriver of(LoadSettings s) {
    return new RecordedDriver(s.rate(), s.users(), s.readRatio(), s.keys(), s.dispatchers());
  }
}
