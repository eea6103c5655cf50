package clusteremu.node.datacenter.emulation;

import clusteremu.node.datacenter.HostSpec;
import clusteremu.node.datacenter.LinkSpec;
import clusteremu.node.datacenter.Topology;
import clusteremu.tiers.CborSerializable;

/**
 * A fault on every path between two places of the datacenter (each a host, a rack or a row), in
 * both directions, as {@code tc netem} between two groups of machines: messages between them wait
 * {@code extraLatencyNanos} more, share a link of {@code bytesPerSecond} (0: no narrower than
 * their route), and each is lost with probability {@code loss}. A cut loses every one.
 */
public record PathImpairment(String from, String to, long extraLatencyNanos, double bytesPerSecond, double loss) implements CborSerializable {

  public static PathImpairment cut(String from, String to) {
    return new PathImpairment(from, to, 0, 0, 1.0);
  }

  public boolean isCut() {
    return loss >= 1.0;
  }

  /** Whether a message from host {@code a} to host {@code b} (either may be null: outside) takes one of these paths. */
  public boolean covers(Topology topology, String a, String b) {
    return (in(topology, a, from) && in(topology, b, to)) || (in(topology, a, to) && in(topology, b, from));
  }

  /** Whether host {@code host} is the place, or in the rack or row of that name. */
  static boolean in(Topology topology, String host, String place) {
    if (host == null) {
      return false;
    }
    HostSpec spec = topology.hosts().get(host);
    return spec != null && (host.equals(place) || spec.rack().equals(place) || spec.row().equals(place));
  }

  /**
   * The narrower link its paths share in the direction of a message from {@code a} (its added
   * latency is the route's, not the link's); null when it leaves the bandwidth alone: a link of
   * unbounded bandwidth would never finish sharing itself out.
   */
  Hop hop(Topology topology, String a) {
    if (bytesPerSecond <= 0) {
      return null;
    }
    boolean forward = in(topology, a, from);
    // Named by the fault itself, alike in every JVM, so a link set again is the same link.
    String name = "impaired:" + (forward ? from + ">" + to : to + ">" + from) + "@" + Math.round(bytesPerSecond * 8) + "bit";
    return new Hop(name, new LinkSpec(0, bytesPerSecond));
  }

  record Hop(String link, LinkSpec spec) {}

  /** What it does, for logs and metrics. */
  public String describe() {
    if (isCut()) {
      return "cut " + from + " ~ " + to;
    }
    return "link " + from + " ~ " + to + ": +" + extraLatencyNanos / 1e6 + " ms"
        + (bytesPerSecond > 0 ? ", " + bytesPerSecond * 8 / 1e6 + " Mbit/s" : "")
        + (loss > 0 ? ", loss " + loss : "");
  }
}
