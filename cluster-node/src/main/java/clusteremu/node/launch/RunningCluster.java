package clusteremu.node.launch;

import clusteremu.node.run.RunDirectory;
import clusteremu.node.run.Runs;
import clusteremu.node.scenario.Machine;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.config.ScenarioException;
import clusteremu.node.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A run directory together with the scenario it runs, as the commands that act on a started
 * cluster (status, down, driver, bench) need them.
 */
public record RunningCluster(RunDirectory run, Scenario scenario) {

  /** The newest run under {@code $CLUSTEREMU_RUNS}, if one was started. */
  public static Optional<RunningCluster> latest() {
    return Runs.fromEnvironment().latest().flatMap(RunningCluster::load);
  }

  /** The run in {@code dir}, or the newest when {@code dir} is null. */
  public static Optional<RunningCluster> at(Path dir) {
    return dir == null ? latest() : load(new RunDirectory(dir));
  }

  /** Where a command looked, for its message when there is no run: {@code dir} or runs/latest. */
  public static Path where(Path dir) {
    return dir != null ? dir : Runs.fromEnvironment().root().resolve("latest");
  }

  /**
   * The machine of this run's own nodes: the one {@code scripts/cluster up --machine} named, or
   * null when it started every node here.
   */
  public String startedOn() {
    return startedOn(run);
  }

  /** As {@link #startedOn()}, for any run directory. */
  public static String startedOn(RunDirectory run) {
    try {
      return Files.isRegularFile(run.machine()) ? Files.readString(run.machine()).trim() : null;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + run.machine(), e);
    }
  }

  /**
   * The machine a driver or another member started beside this run binds on: the run's own, or,
   * when every node was started here, the first seed node's.
   */
  public Machine memberMachine() {
    return scenario.memberMachine(startedOn());
  }

  /** Empty when the directory has no scenario; a {@link ScenarioException} when it has a bad one. */
  private static Optional<RunningCluster> load(RunDirectory run) {
    if (!Files.isRegularFile(run.scenario())) {
      return Optional.empty();
    }
    return Optional.of(new RunningCluster(run, ScenarioLoader.load(run.scenario())));
  }
}
