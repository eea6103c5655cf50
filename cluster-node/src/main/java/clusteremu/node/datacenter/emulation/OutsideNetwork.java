package clusteremu.node.datacenter.emulation;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.datacenter.placement.PlacementReplica;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import clusteremu.node.scenario.NodeSpec;
import clusteremu.node.scenario.Scenario;
import clusteremu.tiers.machine.Outbound;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The network as the driver sees it from outside the datacenter: requests cross the border link
 * and come down through the core to the dispatcher's host. (Answers pay the way out on the
 * sending node.)
 */
public final class OutsideNetwork implements Outbound, AutoCloseable {
  private final EmulationLoop loop;
  private final Network network;
  private final Placement placement;

  private OutsideNetwork(Scenario scenario, Topology topology) {
    this.placement = Placement.initial(topology);
    this.loop = new EmulationLoop("emulation-outside", scenario.timeDilation());
    this.network =
        new Network(
            topology,
            loop,
            scenario.nodes().stream().map(NodeSpec::port).collect(Collectors.toSet()),
            placement,
            null,
            scenario.config().getBoolean("clusteremu.datacenter.network-model"));
  }

  /** The outside network of a scenario with a datacenter; empty for one without. */
  public static Optional<OutsideNetwork> of(Scenario scenario) {
    return scenario.datacenter().map(topology -> new OutsideNetwork(scenario, topology));
  }

  @Override
  public <T> void send(ActorRef<T> to, T message) {
    network.send(Topology.OUTSIDE, to, message);
  }

  /**
   * Keeps where this client believes each VM runs in step with the cluster's placement, from the
   * cluster member {@code system} it joined with.
   */
  public void follow(ActorSystem<?> system) {
    system.systemActorOf(PlacementReplica.create(placement), "placement", Props.empty());
  }

  /** Turns the model on or off (see {@link Network#setModelled}). */
  public void setModelled(boolean modelled) {
    network.setModelled(modelled);
  }

  @Override
  public void close() {
    loop.close();
  }
}
