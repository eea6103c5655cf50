package clusteremu.node;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** Actor test kits for the node's code, whose configuration makes every actor system a cluster member. */
public final class TestKits {
  private TestKits() {}

  /**
   * A test kit with the node's own configuration, its remoting bound to a free port: test JVMs
   * that run side by side (several builds on one machine) must not race for one fixed port.
   */
  public static ActorTestKit onFreePort() {
    return ActorTestKit.create(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0").withFallback(ConfigFactory.load()));
  }
}
