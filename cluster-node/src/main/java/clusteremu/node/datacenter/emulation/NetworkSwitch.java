package clusteremu.node.datacenter.emulation;

import clusteremu.tiers.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Turns a node's network model on or off while it runs, so that the datacenter benchmark can
 * interleave the two over the same JVMs and guests. One per node in a datacenter.
 */
public final class NetworkSwitch {
  public static final ServiceKey<Set> SERVICE_KEY = ServiceKey.create(Set.class, "network-switch");

  /** Model the network ({@code on}) or hand messages straight to Pekko; acknowledged with the node's name. */
  public record Set(boolean on, ActorRef<Done> replyTo) implements CborSerializable {}

  public record Done(String node) implements CborSerializable {}

  private NetworkSwitch() {}

  public static Behavior<Set> create(String node, Network network) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, context.getSelf()));
          return Behaviors.receiveMessage(
              set -> {
                network.setModelled(set.on());
                set.replyTo().tell(new Done(node));
                return Behaviors.same();
              });
        });
  }
}
