package clusteremu.node.cli;

import clusteremu.node.launch.RunningCluster;
import clusteremu.node.scenario.Scenario;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Print the nodes of the latest run: state, components, requests in flight; in a datacenter also the tree of rows, racks, hosts and VMs with their load. Exits 0 when every node is running and Up, 1 otherwise.")
final class ClusterStatus implements Callable<Integer> {

  @Override
  public Integer call() {
    Optional<RunningCluster> cluster = RunningCluster.latest();
    if (cluster.isEmpty()) {
      System.out.println("no cluster has been started here (no " + RunningCluster.where(null) + ")");
      return 1;
    }
    Scenario scenario = cluster.get().scenario();
    System.out.println("run " + cluster.get().run().root());
    int up = StatusTable.print(scenario, cluster.get().run(), System.out);
    scenario.datacenter().ifPresent(topology -> DatacenterTree.print(topology, cluster.get().run(), System.out));
    System.out.printf("%d of %d nodes running and Up%n", up, scenario.nodes().size());
    return up == scenario.nodes().size() ? 0 : 1;
  }
}
