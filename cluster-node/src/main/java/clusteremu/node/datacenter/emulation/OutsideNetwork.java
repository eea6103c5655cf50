package clusteremu.node.datacenter.emulation;

import clusteremu.node.datacenter.Topology;
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

  private OutsideNetwork(Scenario scenario, Topology topology) {
    this.loop = new EmulationLoop("emulation-outside");
    this.network =
        new Network(
            topology,
            loop,
            scenario.nodes().stream().map(NodeSpec::port).collect(Collectors.toSet()),
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

  /** Turns the model on or off (see {@link Network#setModelled}). */
  public void setModelled(boolean modelled) {
    network.setModelled(modelled);
  }

  @Override
  public void close() {
    loop.close();
  }
}
