package clusteremu.tiers.machine;

import org.apache.pekko.actor.typed.ActorRef;

/** A way out for messages: straight to Pekko, or through an emulated network first. */
public interface Outbound {

  /** Sends {@code message} to {@code to}, paying whatever the network in between costs. */
  <T> void send(ActorRef<T> to, T message);

  /** No emulated network: the message goes straight to Pekko. */
  Outbound DIRECT =
      new Outbound() {
        @Override
        public <T> void send(ActorRef<T> to, T message) {
          to.tell(message);
        }
      };
}
