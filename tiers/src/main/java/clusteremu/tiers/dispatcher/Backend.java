package clusteremu.tiers.dispatcher;

import clusteremu.tiers.appserver.AppServer;
import org.apache.pekko.actor.typed.ActorRef;

/** An app server as the dispatcher sees it: where it is and how many requests it holds there. */
final class Backend {
  final ActorRef<AppServer.Command> server;
  int outstanding;

  Backend(ActorRef<AppServer.Command> server) {
    this.server = server;
  }

  @Override
  public String toString() {
    return server.path() + " (" + outstanding + " outstanding)";
  }
}
