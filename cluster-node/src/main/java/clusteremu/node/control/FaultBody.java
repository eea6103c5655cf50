package clusteremu.node.control;

import clusteremu.node.fault.Fault;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of {@code POST /faults}, read strictly (every error names the field):
 *
 * <pre>{"kind": "kill", "node": "app-2"}
 *{"kind": "freeze", "node": "app-2", "duration_ms": 12000}
 *{"kind": "restart", "node": "app-2"}</pre>
 */
public final class FaultBody {
  static final Set<String> FIELDS = new TreeSet<>(Set.of("kind", "node", "duration_ms"));
  /** A freeze longer than this is a kill in all but name; the bound catches a unit mistake (seconds given as ms is harmless, the other way round is not). */
  static final Duration LONGEST_FREEZE = Duration.ofHours(1);

  private FaultBody() {}

  public static Fault parse(String body) throws BodyFields.Invalid {
    JsonNode json = BodyFields.object(body, FIELDS);
    String kindName = BodyFields.text(json, "kind", null);
    Fault.Kind kind = Fault.Kind.named(kindName);
    if (kind == null) {
      throw new BodyFields.Invalid(
          "kind: expected one of " + Arrays.stream(Fault.Kind.values()).map(Fault.Kind::configName).toList() + ", got \"" + kindName + "\"");
    }
    String node = BodyFields.text(json, "node", null);
    Duration duration = null;
    if (kind == Fault.Kind.FREEZE) {
      long ms = BodyFields.number(json, "duration_ms", -1);
      if (!json.has("duration_ms")) {
        throw new BodyFields.Invalid("duration_ms: required for a freeze (how long the node stays stopped, in ms)");
      }
      if (ms <= 0 || ms > LONGEST_FREEZE.toMillis()) {
        throw new BodyFields.Invalid("duration_ms: expected 1 to " + LONGEST_FREEZE.toMillis() + " ms, got " + ms);
      }
      duration = Duration.ofMillis(ms);
    } else if (json.has("duration_ms")) {
      throw new BodyFields.Invalid("duration_ms: only a freeze has a duration, not a " + kind.configName());
    }
    return new Fault(kind, node, duration);
  }
}
