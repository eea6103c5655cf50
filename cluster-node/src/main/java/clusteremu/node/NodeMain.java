package clusteremu.node;

import clusteremu.node.config.ScenarioException;
import clusteremu.node.launch.MemberConfig;
import clusteremu.node.launch.NodeProcesses;
import clusteremu.node.run.RunDirectory;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.scenario.ScenarioLoader;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The entry point of one node JVM: {@code NodeMain <run-directory> <node-name>}. Started by
 * {@code scripts/cluster up}, which writes the run directory first; it reads the scenario from
 * there so every node runs exactly what the launcher checked.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: NodeMain <run-directory> <node-name> (started by scripts/cluster up)");
      System.exit(2);
    }
    RunDirectory run = new RunDirectory(Path.of(args[0]));
    try {
      Scenario scenario = ScenarioLoader.load(run.scenario());
      NodeSpec node =
          scenario
              .node(args[1])
              .orElseThrow(
                  () ->
                      new ScenarioException(
                          run.scenario() + ": no node '" + args[1] + "'; expected one of " + scenario.nodes().stream().map(NodeSpec::name).toList()));
      ActorSystem.create(Node.create(scenario, node, run), scenario.clusterName(), MemberConfig.forNode(scenario, node, Boolean.getBoolean(NodeProcesses.RESTARTED)));
    } catch (ScenarioException e) {
      System.err.println("clusteremu: " + e.getMessage());
      System.exit(2);
    }
  }
}
