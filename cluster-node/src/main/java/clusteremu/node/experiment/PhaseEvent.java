package clusteremu.node.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * Something that happens at a time within a phase, counted from the phase's start (its warm-up
 * included): for now a migration, given as the body of {@code POST /migrations}.
 *
 * <pre>events = [ { at = 20s, migrate { vm = data-1, to = a2-h1, strategy = precopy } } ]</pre>
 */
public record PhaseEvent(Duration at, ObjectNode migrate) {

  /** What it does, for the progress output and the report. */
  public String describe() {
    return "migrate " + migrate.path("vm").asText() + " to " + migrate.path("to").asText() + " (" + migrate.path("strategy").asText("precopy") + ")";
  }
}
