package clusteremu.node.fault;

import java.time.Duration;

/**
 * A fault injected on purpose, as a user breaks a real cluster. Into a node's JVM: {@code kill}
 * (SIGKILL, as {@code kill -9}), {@code freeze} for a while (SIGSTOP, then SIGCONT, as a long GC
 * pause or a hung machine would), {@code restart} of a node that is not running (it rejoins the
 * cluster with its roles). On the emulated network, between two places (hosts, racks or rows):
 * {@code link} (more latency, less bandwidth, loss), {@code cut} (every message lost), {@code
 * heal} (back to the topology's links). On an emulated host: {@code crash-host} (its VMs stop and
 * are gone from placement), {@code recover-host} (they start again, empty).
 *
 * @param node the node of a JVM fault; null for a path fault
 * @param duration how long a freeze lasts; null for the others
 * @param from one place of a path fault; null for a JVM fault
 * @param to the other place
 * @param latency what a {@code link} adds to the paths' latency (zero: nothing)
 * @param bytesPerSecond the bandwidth a {@code link} leaves the paths (0: as the topology has it)
 * @param loss the fraction of messages a {@code link} loses (0 to 1; a cut loses all)
 * @param host the host of a host fault; null for the others
 */
public record Fault(
    Kind kind, String node, Duration duration, String from, String to, Duration latency, double bytesPerSecond, double loss, String host) {

  public enum Kind {
    KILL("kill"),
    FREEZE("freeze"),
    RESTART("restart"),
    LINK("link"),
    CUT("cut"),
    HEAL("heal"),
    CRASH_HOST("crash-host"),
    RECOVER_HOST("recover-host");

    private final String name;

    Kind(String name) {
      this.name = name;
    }

    public String configName() {
      return name;
    }

    /** Whether it acts on the paths between two places rather than on a node's JVM. */
    public boolean onPaths() {
      return this == LINK || this == CUT || this == HEAL;
    }

    /** Whether it acts on an emulated host. */
    public boolean onHost() {
      return this == CRASH_HOST || this == RECOVER_HOST;
    }

    /** The kind named {@code name}, or null. */
    public static Kind named(String name) {
      for (Kind kind : values()) {
        if (kind.name.equals(name)) {
          return kind;
        }
      }
      return null;
    }
  }

  /** A fault on a node's JVM. */
  public static Fault onNode(Kind kind, String node, Duration duration) {
    return new Fault(kind, node, duration, null, null, Duration.ZERO, 0, 0, null);
  }

  /** A fault on an emulated host. */
  public static Fault onHost(Kind kind, String host) {
    return new Fault(kind, null, null, null, null, Duration.ZERO, 0, 0, host);
  }

  /** What it does, for progress output and the report's marks. */
  public String describe() {
    return switch (kind) {
      case FREEZE -> "freeze " + node + " for " + duration.toMillis() / 1000.0 + " s";
      case KILL, RESTART -> kind.configName() + " " + node;
      case CUT, HEAL -> kind.configName() + " " + from + " ~ " + to;
      case CRASH_HOST, RECOVER_HOST -> kind.configName() + " " + host;
      case LINK -> "link " + from + " ~ " + to + ":"
          + (latency.isZero() ? "" : " +" + latency.toNanos() / 1e6 + " ms")
          + (bytesPerSecond > 0 ? " " + clusteremu.node.datacenter.Bandwidth.format(bytesPerSecond) : "")
          + (loss > 0 ? " loss " + loss : "");
    };
  }
}
