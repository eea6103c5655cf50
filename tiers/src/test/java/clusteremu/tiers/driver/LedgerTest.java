package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.tiers.protocol.Reply;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LedgerTest {

  private static Ledger.Pending sentAt(long nanos, Object via) {
    return new Ledger.Pending(nanos, nanos, via, -1, true);
  }

  @Test
  void everyRequestEndsInExactlyOneOutcome() {
    Ledger ledger = new Ledger();
    ledger.sent(1, sentAt(10, "d1"));
    ledger.sent(2, sentAt(20, "d1"));
    ledger.sent(3, sentAt(30, "d2"));
    ledger.sent(4, sentAt(40, "d2"));
    ledger.answered(Reply.ok(1));
    ledger.answered(Reply.failed(2, "app-server-queue-full"));
    assertEquals(1, ledger.expire(30).size(), "request 3 was sent at 30");
    ledger.failWhere(p -> p.via().equals("d2"), "dispatcher-lost");

    assertEquals(4, ledger.sent());
    assertEquals(1, ledger.ok());
    assertEquals(2, ledger.failed());
    assertEquals(1, ledger.timeouts());
    assertEquals(0, ledger.inFlight());
    assertEquals(Map.of("app-server-queue-full", 1L, "dispatcher-lost", 1L), ledger.failedByReason());
    assertTrue(ledger.balanced());
  }

  @Test
  void aReplyAfterItsTimeoutIsCountedLateNotTwice() {
    Ledger ledger = new Ledger();
    ledger.sent(1, sentAt(10, "d"));
    ledger.expire(10);
    assertNull(ledger.answered(Reply.ok(1)));
    assertEquals(0, ledger.ok());
    assertEquals(1, ledger.timeouts());
    assertEquals(1, ledger.lateReplies());
    assertTrue(ledger.balanced());
  }

  @Test
  void expiryStopsAtTheFirstRequestSentAfterTheCutOff() {
    Ledger ledger = new Ledger();
    for (long i = 0; i < 10; i++) {
      ledger.sent(i, sentAt(i * 100, "d"));
    }
    assertEquals(5, ledger.expire(400).size());
    assertEquals(5, ledger.inFlight());
  }

  @Test
  void theAccountsBalanceAfterAnyMixOfOutcomes() {
    SplittableRandom random = new SplittableRandom(11);
    Ledger ledger = new Ledger();
    long next = 0;
    long clock = 0;
    for (int step = 0; step < 20_000; step++) {
      clock += 10;
      switch (random.nextInt(5)) {
        case 0, 1 -> ledger.sent(next++, sentAt(clock, random.nextBoolean() ? "a" : "b"));
        case 2 -> ledger.answered(random.nextBoolean() ? Reply.ok(random.nextLong(next + 1)) : Reply.failed(random.nextLong(next + 1), "x"));
        case 3 -> ledger.expire(clock - 500);
        default -> {
          if (random.nextInt(100) == 0) {
            ledger.failWhere(p -> p.via().equals("a"), "dispatcher-lost");
          }
        }
      }
      assertTrue(ledger.balanced(), "step " + step);
    }
    ledger.expire(Long.MAX_VALUE);
    assertEquals(ledger.sent(), ledger.ok() + ledger.failed() + ledger.timeouts());
  }
}
