package clusteremu.node.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /members/leave}, read strictly: {@code {"nodes": ["app-2", "data-1"]}},
 * names of the scenario's nodes, at least one, each once.
 */
final class LeaveBody {
  private LeaveBody() {}

  static List<String> parse(String body, List<String> known) throws BodyFields.Invalid {
    JsonNode json = BodyFields.object(body, Set.of("nodes"));
    JsonNode nodes = json.get("nodes");
    if (nodes == null || !nodes.isArray() || nodes.isEmpty()) {
      throw new BodyFields.Invalid("nodes: expected a non-empty list of node names, such as [\"" + known.get(0) + "\"]");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode node : nodes) {
      if (!node.isTextual() || !known.contains(node.asText())) {
        throw new BodyFields.Invalid("nodes: " + node + " is not a node of this cluster; expected some of " + known);
      }
      if (names.contains(node.asText())) {
        throw new BodyFields.Invalid("nodes: " + node + " is named twice; expected each node once");
      }
      names.add(node.asText());
    }
    return names;
  }
}
