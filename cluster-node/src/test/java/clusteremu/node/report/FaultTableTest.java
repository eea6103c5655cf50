package clusteremu.node.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.run.PhaseRecord;
import clusteremu.node.report.RunData.Event;
import clusteremu.node.report.RunData.Outcome;
import clusteremu.node.report.RunData.PhaseData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault table from outcomes per second made up here, held to its definitions. */
class FaultTableTest {
  private static final long T0 = 1_000_000;

  /** Second {@code s} of the phase (ending at T0 + (s + 1) s). */
  private static Outcome second(int s, long ok, Map<String, Long> failed, long timeouts) {
    long settled = ok + failed.values().stream().mapToLong(Long::longValue).sum() + timeouts;
    return new Outcome(T0 + (s + 1) * 1000L, ok, failed, timeouts, settled == 0 ? 1.0 : (double) ok / settled);
  }

  @Test
  void eachFaultGetsItsFailuresItsWorstSecondAndItsRecovery() {
    List<Outcome> outcomes = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      outcomes.add(second(s, 100, Map.of(), 0)); // before: 100 ok/s
    }
    // A kill at 10.0 s: two bad seconds, then back.
    outcomes.add(second(10, 50, Map.of("app-server-lost", 40L), 10));
    outcomes.add(second(11, 94, Map.of("app-server-lost", 6L), 0)); // below 95: not back
    for (int s = 12; s < 20; s++) {
      outcomes.add(second(s, 100, Map.of(), 0));
    }
    // A cut at 20.0 s, healed at 25.0 s: never back before the heal.
    for (int s = 20; s < 25; s++) {
      outcomes.add(second(s, 10, Map.of("data-timeout", 90L), 0));
    }
    for (int s = 25; s < 30; s++) {
      outcomes.add(second(s, 100, Map.of(), 0));
    }
    List<Event> events =
        List.of(
            new Event(T0 + 10_000, "kill app-2", true, false),
            new Event(T0 + 15_000, "kill rack-a1", true, true), // refused: changes nothing
            new Event(T0 + 20_000, "cut a2 ~ row-b", true, false),
            new Event(T0 + 25_000, "heal a2 ~ row-b", true, false));
    PhaseRecord record = new PhaseRecord("chaos", "phases/01-chaos", "proxy", null, 100, 0, T0, T0 + 30_000, false);
    RunData data = new RunData(Path.of("run"), null, "settings.json", List.of(new PhaseData(record, null, List.of(), events, outcomes)), List.of());

    List<FaultTable.Row> rows = new FaultTable(data).rows();
    assertEquals(3, rows.size());
    FaultTable.Row kill = rows.get(0);
    assertEquals(100.0, kill.baseline());
    assertEquals(10.0, kill.atSeconds());
    assertEquals(Map.of("app-server-lost", 46L), kill.failedByReason());
    assertEquals(10, kill.timeouts());
    assertEquals(0.5, kill.minAvailability());
    assertEquals(2.0, kill.backAfterSeconds(), "seconds 10 and 11 were below 95 ok/s; from 12 on it was back");
    FaultTable.Row cut = rows.get(1);
    assertEquals(Map.of("data-timeout", 450L), cut.failedByReason());
    assertEquals(0.1, cut.minAvailability());
    assertTrue(Double.isNaN(cut.backAfterSeconds()), "not back before the heal");
    FaultTable.Row heal = rows.get(2);
    assertEquals(Map.of(), heal.failedByReason());
    assertEquals(0.0, heal.backAfterSeconds());
  }
}
