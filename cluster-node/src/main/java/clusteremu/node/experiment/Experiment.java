package clusteremu.node.experiment;

import clusteremu.node.scenario.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A validated experiment: the scenario it runs (with its overrides applied) and its phases in
 * order. Built only by {@link ExperimentLoader}.
 */
public record Experiment(Path file, String name, String description, Scenario scenario, Duration clusterWarmup, List<Phase> phases) {

  /** Roughly how long the load takes, the cluster's warm-up included, start-up and drains aside. */
  public Duration loadTime() {
    return phases.stream()
        .map(p -> p.load().warmup().plus(p.load().duration()))
        .reduce(clusterWarmup, Duration::plus);
  }
}
