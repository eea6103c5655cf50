package clusteremu.node.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The node's machine really takes the emulated time: never less than the model says (a hard
 * bound), and not much more (a loose one, as this is a real clock on a shared machine).
 */
class NodeMachineTest {
  static final ActorTestKit kit =
      ActorTestKit.create(com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local"));
  static final CompletionClock clock = new CompletionClock();

  @AfterAll
  static void stop() {
    clock.close();
    kit.shutdownTestKit();
  }

  @Test
  void zeroDemandCompletesAtOnce() {
    NodeMachine machine = new NodeMachine(1, clock);
    TestProbe<String> probe = kit.createTestProbe();
    machine.compute(0, probe.getRef(), "done");
    assertEquals("done", probe.receiveMessage(Duration.ofMillis(100)));
  }

  @Test
  void aBacklogOnOneCoreTakesTheSumOfItsDemands() {
    NodeMachine machine = new NodeMachine(1, clock);
    TestProbe<Integer> probe = kit.createTestProbe();
    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      machine.compute(2_000_000, probe.getRef(), i);
    }
    for (int i = 0; i < 50; i++) {
      assertEquals(i, probe.receiveMessage(), "completions come in arrival order");
    }
    double elapsedMs = (System.nanoTime() - start) / 1e6;
    assertTrue(elapsedMs >= 100, "50 x 2 ms on one core cannot finish before 100 ms, took " + elapsedMs);
    assertTrue(elapsedMs < 400, "took " + elapsedMs + " ms for 100 ms of emulated work");
    assertEquals(100_000_000, machine.cpuBusyNanos(), "all of it was CPU time");
  }

  @Test
  void theClockDeliversByDueTimeThenBySubmissionWhateverTheOrderOfCalls() {
    TestProbe<String> probe = kit.createTestProbe();
    long now = System.nanoTime();
    clock.at(now + 40_000_000, () -> probe.getRef().tell("third"));
    clock.at(now + 20_000_000, () -> probe.getRef().tell("first"));
    clock.at(now + 20_000_000, () -> probe.getRef().tell("second, same time, submitted later"));
    clock.at(now - 5_000_000, () -> probe.getRef().tell("overdue: at once"));
    assertEquals("overdue: at once", probe.receiveMessage());
    assertEquals("first", probe.receiveMessage());
    assertEquals("second, same time, submitted later", probe.receiveMessage());
    assertEquals("third", probe.receiveMessage());
    assertTrue(System.nanoTime() - now >= 40_000_000, "not before its time");
  }

  @Test
  void twoCoresHalveTheTimeOfTheSameBacklog() {
    NodeMachine machine = new NodeMachine(2, clock);
    TestProbe<Integer> probe = kit.createTestProbe();
    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      machine.compute(4_000_000, probe.getRef(), i);
    }
    probe.receiveSeveralMessages(50);
    double elapsedMs = (System.nanoTime() - start) / 1e6;
    assertTrue(elapsedMs >= 100, "25 rounds of 4 ms cannot finish before 100 ms, took " + elapsedMs);
    assertTrue(elapsedMs < 400, "took " + elapsedMs);
  }
}
