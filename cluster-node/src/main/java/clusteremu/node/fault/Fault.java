package clusteremu.node.fault;

import java.time.Duration;

/**
 * A fault injected on purpose into a node's JVM, as a user breaks a real cluster: {@code kill}
 * (SIGKILL, as {@code kill -9}), {@code freeze} for a while (SIGSTOP, then SIGCONT, as a long GC
 * pause or a hung machine would), or {@code restart} of a node that is not running (it rejoins the
 * cluster with its roles).
 *
 * @param duration how long a freeze lasts; null for the others
 */
public record Fault(Kind kind, String node, Duration duration) {

  public enum Kind {
    KILL("kill"),
    FREEZE("freeze"),
    RESTART("restart");

    private final String name;

    Kind(String name) {
      this.name = name;
    }

    public String configName() {
      return name;
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

  /** What it does, for progress output and the report's marks. */
  public String describe() {
    return kind == Kind.FREEZE
        ? "freeze " + node + " for " + duration.toMillis() / 1000.0 + " s"
        : kind.configName() + " " + node;
  }
}
