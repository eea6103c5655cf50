package clusteremu.node.cli;

import clusteremu.node.launch.NodeProcesses;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.launch.RunningCluster;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.status.NodeStatus;
import clusteremu.node.status.StatusFiles;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code scripts/cluster start NODE}: starts again the JVM of one node of the running cluster, by hand. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = {
      "Start the JVM of one node of the latest run that is not running (killed, or crashed); it rejoins the cluster with its roles.",
      "Waits (up to clusteremu.startup-timeout) until the node is Up and sees every node of the scenario Up. Exit status: 0 Up, 1 not Up in time, 2 bad input."
    })
final class ClusterStart implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "NODE", description = "The node to start.")
  String node;

  @Override
  public Integer call() throws InterruptedException {
    Optional<RunningCluster> cluster = RunningCluster.latest();
    if (cluster.isEmpty()) {
      System.err.println("clusteremu cluster start: no cluster has been started here; start one with scripts/cluster up");
      return 2;
    }
    Scenario scenario = cluster.get().scenario();
    RunDirectory run = cluster.get().run();
    Optional<NodeSpec> spec = scenario.nodes().stream().filter(n -> n.name().equals(node)).findFirst();
    if (spec.isEmpty()) {
      System.err.println("clusteremu cluster start: no node " + node + " in " + run.root() + "; the nodes are " + scenario.nodes().stream().map(NodeSpec::name).toList());
      return 2;
    }
    if (!scenario.nodesOn(cluster.get().startedOn()).contains(spec.get())) {
      System.err.println("clusteremu cluster start: node " + node + " runs on machine " + scenario.machineOf(spec.get()).displayName()
          + ", not on this one (" + cluster.get().startedOn() + "); start it there");
      return 2;
    }
    Optional<ProcessHandle> running = NodeProcesses.find(run, node);
    if (running.isPresent()) {
      System.err.println("clusteremu cluster start: node " + node + " is running (PID " + running.get().pid() + ")");
      return 2;
    }
    long begin = System.currentTimeMillis();
    ProcessHandle process = NodeProcesses.start(run, spec.get(), true);
    long deadline = System.nanoTime() + scenario.startupTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        System.err.println("clusteremu cluster start: node " + node + " exited during start-up; see " + run.log(node));
        return 1;
      }
      Optional<NodeStatus> status = StatusFiles.read(run, node);
      if (status.isPresent() && status.get().ts() > begin && StatusFiles.ready(status.get(), scenario)) {
        System.out.printf("node %s (PID %d) Up after %.1f s%n", node, process.pid(), (System.currentTimeMillis() - begin) / 1e3);
        return 0;
      }
      Thread.sleep(250);
    }
    System.err.println("clusteremu cluster start: node " + node + " (PID " + process.pid() + ") was not Up within " + scenario.startupTimeout().toSeconds() + " s; it runs on; see " + run.log(node));
    return 1;
  }
}
