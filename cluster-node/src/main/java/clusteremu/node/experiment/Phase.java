package clusteremu.node.experiment;

import clusteremu.tiers.driver.LoadSettings;
import java.util.List;

/**
 * One load phase of an experiment: a name, the driver settings it runs with (mode and policy
 * included), and the events timed within it.
 */
public record Phase(String name, LoadSettings load, List<PhaseEvent> events) {}
