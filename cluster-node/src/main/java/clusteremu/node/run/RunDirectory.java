package clusteremu.node.run;

import java.nio.file.Path;

/**
 * Where a run keeps its files, {@code runs/<run-id>/}: the scenario as it runs, the settings its
 * components were launched with, node logs, metrics logs, live status files and PIDs. One place
 * for the layout, shared by the launcher, the nodes, the driver and the report.
 */
public record RunDirectory(Path root) {

  public Path scenario() {
    return root.resolve("scenario.conf");
  }

  /** The settings every component was launched with, recorded once ({@link RunSettings}). */
  public Path settings() {
    return root.resolve("settings.json");
  }

  public Path log(String node) {
    return root.resolve("logs").resolve(node + ".log");
  }

  /** One line per migration and per pre-copy round, from every node (README, "Migration"). */
  public Path migrations() {
    return root().resolve("migrations.jsonl");
  }

  /** The faults injected into the run, one JSON line each, with their times. */
  public Path faults() {
    return root().resolve("faults.jsonl");
  }

  public Path metrics(String node) {
    return root.resolve("metrics").resolve(node + ".jsonl");
  }

  public Path status(String node) {
    return root.resolve("status").resolve(node + ".json");
  }

  /**
   * The name of the machine this run's nodes were started on, when {@code scripts/cluster up
   * --machine} started one machine's nodes only; absent when they all run here.
   */
  public Path machine() {
    return root.resolve("machine");
  }

  public Path pid(String node) {
    return root.resolve("pids").resolve(node + ".pid");
  }
}
