package clusteremu.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.node.launch.NodeProcesses;
import org.junit.jupiter.api.Test;

class NodeMainTest {

  @Test
  void theLauncherNamesTheNodeMainClassRightly() {
    assertEquals(NodeMain.class.getName(), NodeProcesses.NODE_MAIN);
  }
}
