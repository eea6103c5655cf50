package clusteremu.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

  @TempDir Path dir;

  @Test
  void aScenarioThatCannotBeUsedIsBadInputOnOneLine() throws Exception {
    Path scenario = Files.writeString(dir.resolve("typo.conf"), "clusteremu.dispatcher.mode = sideways\n");
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err));

    int status = commandLine.execute("cluster", "up", scenario.toString());

    assertEquals(2, status);
    String printed = err.toString();
    assertTrue(printed.startsWith("clusteremu: ") && printed.contains("typo.conf"), printed);
    assertEquals(1, printed.lines().count(), printed);
  }
}
