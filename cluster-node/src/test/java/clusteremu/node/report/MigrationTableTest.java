package clusteremu.node.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's migration table: each migration with the phase that started it and what that phase's driver saw. */
class MigrationTableTest {
  @TempDir Path run;

  @Test
  void eachMigrationSitsBesideThePhaseThatStartedItAndItsFailuresAndStaleReads() throws Exception {
    Files.writeString(
        run.resolve("migrations.jsonl"),
        """
        {"kind":"migration","id":"n.1","vm":"data-1","from":"h1","to":"h2","strategy":"precopy","status":"completed","stop_reason":"converged","total_ms":9016.2,"downtime_ms":103.31,"bytes":1116209152,"rounds":2,"verified":true}
        {"kind":"round","id":"n.1","round":0,"pages":262144}
        {"kind":"migration","id":"n.2","vm":"data-1","from":"h2","to":"h1","strategy":"cold","status":"completed","stop_reason":"cold","total_ms":10,"downtime_ms":7.6,"bytes":0,"rounds":0,"verified":false}
        {"kind":"migration","id":"n.3","vm":"data-1","from":"h1","to":"h2","strategy":"postcopy","status":"completed","stop_reason":"postcopy","total_ms":8700,"downtime_ms":60.2,"bytes":1073741824,"rounds":0,"postcopy_faults":412,"postcopy_fault_wait_ms":1650.25,"verified":true}
        """);
    Path phase = Files.createDirectories(run.resolve("phases/02-cold"));
    Files.writeString(phase.resolve("events.json"), "[{\"ts\":1,\"at_ms\":6000,\"event\":\"migrate data-1 to h1 (cold)\",\"id\":\"n.2\"}]");
    Files.writeString(phase.resolve("summary.json"), "{\"failed\":0,\"stale_reads\":648}");

    MigrationTable table = MigrationTable.of(run);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    table.print(new PrintStream(text, true, StandardCharsets.UTF_8));
    String printed = text.toString(StandardCharsets.UTF_8);
    System.out.println(printed);
    String[] lines = printed.strip().split("\n");
    assertEquals(4, lines.length, "a header and one line per migration, none per round: " + printed);
    assertTrue(lines[1].matches("-\\s+data-1\\s+h1\\s+h2\\s+precopy\\s+completed\\s+9016\\s+103\\.3\\s+2\\s+1065\\s+true\\s+0\\s+0\\.0\\s+converged\\s+-\\s+-"), lines[1]);
    assertTrue(lines[2].matches("cold\\s+data-1\\s+h2\\s+h1\\s+cold\\s+completed\\s+10\\s+7\\.6\\s+0\\s+0\\s+false\\s+0\\s+0\\.0\\s+cold\\s+0\\s+648"), lines[2]);
    assertTrue(lines[3].matches("-\\s+data-1\\s+h1\\s+h2\\s+postcopy\\s+completed\\s+8700\\s+60\\.2\\s+0\\s+1024\\s+true\\s+412\\s+1650\\.3\\s+postcopy\\s+-\\s+-"), lines[3]);
    StringBuilder html = new StringBuilder();
    table.html(html);
    assertTrue(html.toString().contains("<td>648</td>"), html.toString());
  }

  @Test
  void aRunWithoutMigrationsHasNoTable() {
    assertTrue(MigrationTable.of(run).isEmpty());
  }
}
