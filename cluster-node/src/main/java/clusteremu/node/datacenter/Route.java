package clusteremu.node.datacenter;

import java.util.List;

/**
 * The links a message crosses from one place to another, in order, and the sum of their
 * latencies. A link is named by direction, e.g. {@code up:host:h-1} or {@code down:rack:r-2}, so
 * the two directions of a full-duplex link are shared separately.
 */
public record Route(List<Hop> hops, long latencyNanos) {

  public record Hop(String link, LinkSpec spec) {}
}
