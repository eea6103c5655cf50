package clusteremu.node.experiment;

import clusteremu.tiers.driver.LoadSettings;

/** One load phase of an experiment: a name, and the driver settings it runs with (mode and policy included). */
public record Phase(String name, LoadSettings load) {}
