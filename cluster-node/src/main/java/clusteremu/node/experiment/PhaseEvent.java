package clusteremu.node.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * Something that happens at a time within a phase, counted from the phase's start (its warm-up
 * included): a migration, given as the body of {@code POST /migrations}, or a fault, as the body
 * of {@code POST /faults}; the other one is null.
 *
 * <pre>events = [ { at = 20s, migrate { vm = data-1, to = a2-h1, strategy = precopy } },
 *           { at = 30s, fault { kind = freeze, node = app-2, duration = 12s } } ]</pre>
 */
public record PhaseEvent(Duration at, ObjectNode migrate, ObjectNode fault) {

  /** A migration at {@code at}. */
  public PhaseEvent(Duration at, ObjectNode migrate) {
    this(at, migrate, null);
  }

  /** The control API's resource that carries it out. */
  public String path() {
    return migrate != null ? "/migrations" : "/faults";
  }

  public ObjectNode body() {
    return migrate != null ? migrate : fault;
  }

  /** What it does, for the progress output and the report. */
  public String describe() {
    if (migrate == null) {
      try {
        return clusteremu.node.control.FaultBody.parse(fault.toString()).describe();
      } catch (clusteremu.node.control.BodyFields.Invalid e) {
        return fault.path("kind").asText() + " (" + e.getMessage() + ")"; // refused when loaded; kept readable
      }
    }
    return "migrate " + migrate.path("vm").asText() + " to " + migrate.path("to").asText() + " (" + migrate.path("strategy").asText("precopy") + ")";
  }
}
