package clusteremu.tiers.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
import org.junit.jupiter.api.Test;

/** A read is stale only if it returns less than a write of the same key acknowledged before it was sent. */
class ReadYourWritesTest {
  @Test
  void aReadOlderThanAnAcknowledgedWriteIsStaleAndNothingElseIs() {
    ReadYourWrites check = new ReadYourWrites();
    check.sent(1, Operation.WRITE, 7);
    check.sent(2, Operation.READ, 7); // sent before the write was acknowledged: may see 0
    check.answered(Reply.ok(1, 3));
    check.answered(Reply.ok(2, 0));
    assertEquals(0, check.staleReads());

    check.sent(3, Operation.READ, 7);
    check.answered(Reply.ok(3, 2)); // older than the acknowledged 3
    assertEquals(1, check.staleReads());

    check.sent(4, Operation.READ, 7);
    check.answered(Reply.ok(4, 5)); // newer: someone else wrote since
    check.sent(5, Operation.READ, 8);
    check.answered(Reply.ok(5, 0)); // a key never written
    check.sent(6, Operation.READ, 7);
    check.answered(Reply.failed(6, "data-timeout"));
    check.sent(7, Operation.READ, 7);
    check.answered(Reply.ok(7)); // no data call: nothing to compare
    assertEquals(1, check.staleReads());
  }
}
