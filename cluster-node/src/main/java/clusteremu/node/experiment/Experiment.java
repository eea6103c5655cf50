package clusteremu.node.experiment;

import clusteremu.node.scenario.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A validated experiment: the scenario it runs (with its overrides applied) and its phases in
 * order. Built only by {@link ExperimentLoader}.
 */
public record Experiment(
    Path file, String name, String description, List<Variant> variants, Duration clusterWarmup, List<Phase> phases) {

  /** One scenario the phases run on; an experiment without variants has one, named "". */
  public record Variant(String name, Scenario scenario) {}

  /** The first variant's scenario (the only one, without variants). */
  public Scenario scenario() {
    return variants.get(0).scenario();
  }

  /** Roughly how long the load takes, the cluster's warm-up included, start-up and drains aside. */
  public Duration loadTime() {
    return phases.stream()
        .map(p -> p.load().warmup().plus(p.load().duration()))
        .reduce(clusterWarmup, Duration::plus)
        .multipliedBy(variants.size());
  }
}
