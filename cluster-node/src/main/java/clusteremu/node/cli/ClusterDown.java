package clusteremu.node.cli;

import clusteremu.node.launch.ClusterLauncher;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.launch.RunningCluster;
import clusteremu.node.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = "Stop the nodes of the latest run: SIGTERM (each leaves the cluster gracefully), then kill what is left after clusteremu.shutdown-timeout (20s).")
final class ClusterDown implements Callable<Integer> {

  @Override
  public Integer call() {
    Optional<RunningCluster> cluster = RunningCluster.latest();
    if (cluster.isEmpty()) {
      System.out.println("no cluster to stop");
      return 0;
    }
    RunDirectory run = cluster.get().run();
    Scenario scenario = cluster.get().scenario();
    long begin = System.nanoTime();
    List<ProcessHandle> running = new ArrayList<>();
    int killed = ClusterLauncher.stop(run, scenario, running);
    if (running.isEmpty()) {
      System.out.println("no node of " + run.root() + " is running");
      return 0;
    }
    System.out.printf(
        "stopped %d node(s) of %s in %.1f s%s%n",
        running.size(),
        run.root(),
        (System.nanoTime() - begin) / 1e9,
        killed > 0 ? "; " + killed + " did not leave within " + scenario.shutdownTimeout().toSeconds() + " s and were killed" : "");
    return 0;
  }
}
