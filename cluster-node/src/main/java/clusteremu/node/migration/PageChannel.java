package clusteremu.node.migration;

import clusteremu.node.datacenter.LinkSpec;
import clusteremu.node.datacenter.emulation.EmulationLoop;
import clusteremu.node.datacenter.emulation.Network;
import clusteremu.node.datacenter.emulation.SharedLink;
import java.util.ArrayDeque;

/**
 * The way a migration's pages travel: first through a link of the migration's own, at its
 * bandwidth cap ({@code --bandwidth}), one batch after another as a socket writes them, then
 * over the emulated path from the source host to the destination host as one flow, taking one
 * share of every link beside the requests and other migrations on it. Loop thread only.
 */
public final class PageChannel {
  private final SharedLink cap;
  private final Network network;
  private final String fromHost;
  private final String toHost;
  /** Batches waiting for the cap, in order: the cap serialises them. */
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private boolean capBusy;

  public PageChannel(String name, double capBytesPerSecond, Network network, EmulationLoop loop, String fromHost, String toHost) {
    this.cap = new SharedLink("migration:" + name, new LinkSpec(0, capBytesPerSecond), loop);
    this.network = network;
    this.fromHost = fromHost;
    this.toHost = toHost;
  }

  /** Sends {@code bytes} from {@code now}; {@code arrived} hears the instant they are at the destination. */
  public void send(long now, long bytes, SharedLink.Done arrived) {
    waiting.add(() -> startOnCap(bytes, arrived));
    if (!capBusy) {
      capBusy = true;
      startAt = now;
      waiting.poll().run();
    }
  }

  private long startAt;

  /** The flow of pages a post-copy destination asked for: beside the push, not behind it. */
  private final Object onDemand = new Object();

  /**
   * Sends {@code bytes} a destination is waiting for (a post-copy fault) from {@code now}: they
   * share the cap and the links with the pages on the way, as QEMU's preempt channel does,
   * instead of queueing behind them.
   */
  public void sendUrgent(long now, long bytes, SharedLink.Done arrived) {
    cap.send(now, bytes, capped -> network.carryBulk(fromHost, toHost, capped, bytes, onDemand, arrived));
  }

  private void startOnCap(long bytes, SharedLink.Done arrived) {
    cap.send(
        startAt,
        bytes,
        capped -> {
          network.carryBulk(fromHost, toHost, capped, bytes, this, arrived);
          Runnable next = waiting.poll();
          if (next == null) {
            capBusy = false;
          } else {
            startAt = capped;
            next.run();
          }
        });
  }

  /**
   * How long one batch of {@code bytes} takes from the start of its send until its
   * acknowledgement is back, with the path to itself: through the cap and each link in turn
   * (store and forward), the latency there and back.
   */
  public long cycleNanos(long bytes) {
    long nanos = cap.spec().transferNanos(bytes) + 2 * latencyNanos();
    for (var hop : network.route(fromHost, toHost).hops()) {
      nanos += hop.spec().transferNanos(bytes);
    }
    return nanos;
  }

  /** One-way latency of the path: what an acknowledgement takes back. */
  public long latencyNanos() {
    return network.route(fromHost, toHost).latencyNanos();
  }

  /** The narrowest of the cap and the path's links, in bytes per second. */
  public double bottleneckBytesPerSecond() {
    double narrowest = cap.spec().bytesPerSecond();
    for (var hop : network.route(fromHost, toHost).hops()) {
      narrowest = Math.min(narrowest, hop.spec().bytesPerSecond());
    }
    return narrowest;
  }
}
