package clusteremu.node.control;

import clusteremu.node.datacenter.Bandwidth;
import clusteremu.node.fault.Fault;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of {@code POST /faults}, read strictly (every error names the field):
 *
 * <pre>{"kind": "kill", "node": "app-2"}
 *{"kind": "freeze", "node": "app-2", "duration_ms": 12000}
 *{"kind": "restart", "node": "app-2"}
 *{"kind": "link", "from": "rack-a1", "to": "rack-b1", "latency_ms": 5, "bandwidth": "100Mbit", "loss": 0.01}
 *{"kind": "cut", "from": "rack-a1", "to": "rack-b1"}
 *{"kind": "heal", "from": "rack-a1", "to": "rack-b1"}
 *{"kind": "crash-host", "host": "a1-h2"}
 *{"kind": "recover-host", "host": "a1-h2"}</pre>
 */
public final class FaultBody {
  static final Set<String> FIELDS = new TreeSet<>(Set.of("kind", "node", "duration_ms", "from", "to", "latency_ms", "bandwidth", "loss", "host"));
  /** A freeze longer than this is a kill in all but name; the bound catches a unit mistake. */
  static final Duration LONGEST_FREEZE = Duration.ofHours(1);
  private static final Set<String> NODE_FIELDS = Set.of("node", "duration_ms");
  private static final Set<String> PATH_FIELDS = Set.of("from", "to", "latency_ms", "bandwidth", "loss");
  private static final Set<String> LINK_FIELDS = Set.of("latency_ms", "bandwidth", "loss");

  private FaultBody() {}

  public static Fault parse(String body) throws BodyFields.Invalid {
    JsonNode json = BodyFields.object(body, FIELDS);
    String kindName = BodyFields.text(json, "kind", null);
    Fault.Kind kind = Fault.Kind.named(kindName);
    if (kind == null) {
      throw new BodyFields.Invalid(
          "kind: expected one of " + Arrays.stream(Fault.Kind.values()).map(Fault.Kind::configName).toList() + ", got \"" + kindName + "\"");
    }
    Set<String> foreign = new TreeSet<>(FIELDS);
    foreign.remove("kind");
    foreign.removeAll(kind.onPaths() ? PATH_FIELDS : kind.onHost() ? Set.of("host") : NODE_FIELDS);
    for (String field : foreign) {
      if (json.has(field)) {
        String acts = kind.onPaths() ? "it acts between two places, from and to" : kind.onHost() ? "it acts on an emulated host" : "it acts on a node";
        throw new BodyFields.Invalid(field + ": not a field of a " + kind.configName() + " (" + acts + ")");
      }
    }
    if (kind.onHost()) {
      return Fault.onHost(kind, BodyFields.text(json, "host", null));
    }
    return kind.onPaths() ? pathFault(kind, json) : nodeFault(kind, json);
  }

  private static Fault nodeFault(Fault.Kind kind, JsonNode json) throws BodyFields.Invalid {
    String node = BodyFields.text(json, "node", null);
    if (kind != Fault.Kind.FREEZE) {
      if (json.has("duration_ms")) {
        throw new BodyFields.Invalid("duration_ms: only a freeze has a duration, not a " + kind.configName());
      }
      return Fault.onNode(kind, node, null);
    }
    if (!json.has("duration_ms")) {
      throw new BodyFields.Invalid("duration_ms: required for a freeze (how long the node stays stopped, in ms)");
    }
    long ms = BodyFields.number(json, "duration_ms", -1);
    if (ms <= 0 || ms > LONGEST_FREEZE.toMillis()) {
      throw new BodyFields.Invalid("duration_ms: expected 1 to " + LONGEST_FREEZE.toMillis() + " ms, got " + ms);
    }
    return Fault.onNode(kind, node, Duration.ofMillis(ms));
  }

  private static Fault pathFault(Fault.Kind kind, JsonNode json) throws BodyFields.Invalid {
    String from = BodyFields.text(json, "from", null);
    String to = BodyFields.text(json, "to", null);
    if (from.equals(to)) {
      throw new BodyFields.Invalid("to: expected another place than from (" + from + "): a fault is on the paths between two places");
    }
    if (kind != Fault.Kind.LINK) {
      for (String field : LINK_FIELDS) {
        if (json.has(field)) {
          throw new BodyFields.Invalid(field + ": only a link takes it, not a " + kind.configName());
        }
      }
      return new Fault(kind, null, null, from, to, Duration.ZERO, 0, kind == Fault.Kind.CUT ? 1.0 : 0, null);
    }
    if (LINK_FIELDS.stream().noneMatch(json::has)) {
      throw new BodyFields.Invalid("latency_ms, bandwidth, loss: a link needs one of them at least");
    }
    long latencyMs = BodyFields.number(json, "latency_ms", 0);
    if (latencyMs < 0 || latencyMs > 60_000) {
      throw new BodyFields.Invalid("latency_ms: expected 0 to 60000 ms, got " + latencyMs);
    }
    double loss = 0;
    JsonNode lossValue = json.get("loss");
    if (lossValue != null && !lossValue.isNull()) {
      if (!lossValue.isNumber() || lossValue.asDouble() < 0 || lossValue.asDouble() >= 1) {
        throw new BodyFields.Invalid("loss: expected a fraction from 0 up to (not including) 1, got " + lossValue + " (a cut loses everything)");
      }
      loss = lossValue.asDouble();
    }
    return new Fault(kind, null, null, from, to, Duration.ofMillis(latencyMs), bandwidth(json), loss, null);
  }

  /** In the units of the link bandwidths ("100Mbit"); 0 when not given. */
  private static double bandwidth(JsonNode json) throws BodyFields.Invalid {
    JsonNode value = json.get("bandwidth");
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.isTextual()) {
      throw new BodyFields.Invalid("bandwidth: expected bits per second such as 100Mbit, got " + value);
    }
    try {
      return Bandwidth.bytesPerSecond(ConfigFactory.empty().withValue("bandwidth", ConfigValueFactory.fromAnyRef(value.asText())), "bandwidth");
    } catch (ConfigException e) {
      throw new BodyFields.Invalid("bandwidth: expected bits per second above zero such as 100Mbit, got " + value);
    }
  }
}
