package clusteremu.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The body of POST /members/leave: names of the cluster's nodes, each once; anything else is named. */
class LeaveBodyTest {
  private static final List<String> NODES = List.of("dispatcher-1", "app-1", "app-2", "data-1");

  private static String refusal(String body) {
    return assertThrows(BodyFields.Invalid.class, () -> LeaveBody.parse(body, NODES)).getMessage();
  }

  @Test
  void namesOfTheClustersNodesInTheirOrder() throws Exception {
    assertEquals(List.of("data-1", "app-2"), LeaveBody.parse("{\"nodes\": [\"data-1\", \"app-2\"]}", NODES));
  }

  @Test
  void anythingElseIsRefusedNamingTheField() {
    assertTrue(refusal("{}").startsWith("nodes: expected a non-empty list of node names"), refusal("{}"));
    assertTrue(refusal("{\"nodes\": []}").startsWith("nodes: expected a non-empty list"));
    assertTrue(refusal("{\"nodes\": \"app-1\"}").startsWith("nodes: expected a non-empty list"));
    assertEquals("nodes: \"app-9\" is not a node of this cluster; expected some of " + NODES, refusal("{\"nodes\": [\"app-1\", \"app-9\"]}"));
    assertEquals("nodes: 3 is not a node of this cluster; expected some of " + NODES, refusal("{\"nodes\": [3]}"));
    assertEquals("nodes: \"app-1\" is named twice; expected each node once", refusal("{\"nodes\": [\"app-1\", \"app-1\"]}"));
    assertTrue(refusal("{\"nodes\": [\"app-1\"], \"all\": true}").startsWith("all: unknown field"));
    assertTrue(refusal("[\"app-1\"]").startsWith("expected a JSON object"));
  }
}
