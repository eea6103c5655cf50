package clusteremu.tiers.driver;

import clusteremu.tiers.protocol.Reply;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The driver's account of every request it sent: each one is in flight until it is answered ok,
 * answered with a failure, or times out, and nothing else can happen to it, so {@code sent == ok
 * + failed + timeouts + inFlight} holds at every moment. Requests that were due but never sent
 * (the in-flight limit held them back past their timeout, or no dispatcher was known) are counted
 * apart as not sent, so the offered load stays honest.
 *
 * <p>Not thread-safe: the driver's actor is its only user.
 */
final class Ledger {

  /** A request on its way: when it was meant to go, when it went, and through which dispatcher. */
  record Pending(long intendedNanos, long sentNanos, Object via, int user, boolean measured) {}

  private final LinkedHashMap<Long, Pending> inFlight = new LinkedHashMap<>();
  private final Map<String, Long> failedByReason = new TreeMap<>();
  private final Map<String, Long> notSentByReason = new TreeMap<>();
  private long sent;
  private long ok;
  private long okMeasured;
  private long failed;
  private long timeouts;
  private long notSent;
  private long lateReplies;

  void sent(long requestId, Pending pending) {
    inFlight.put(requestId, pending);
    sent++;
  }

  void notSent(String reason) {
    notSent++;
    notSentByReason.merge(reason, 1L, Long::sum);
  }

  /** Settles a reply; returns its request, or null when it came after the request timed out. */
  Pending answered(Reply reply) {
    Pending pending = inFlight.remove(reply.requestId());
    if (pending == null) {
      lateReplies++;
      return null;
    }
    if (reply.ok()) {
      ok++;
      if (pending.measured()) {
        okMeasured++;
      }
    } else {
      fail(reply.failure());
    }
    return pending;
  }

  /** Times out every request sent at or before {@code sentBefore}; returns those requests. */
  java.util.List<Pending> expire(long sentBefore) {
    java.util.List<Pending> expired = new java.util.ArrayList<>();
    for (Iterator<Pending> it = inFlight.values().iterator(); it.hasNext(); ) {
      Pending pending = it.next();
      if (pending.sentNanos() - sentBefore > 0) {
        break; // insertion order is send order, so the rest were sent later
      }
      it.remove();
      timeouts++;
      expired.add(pending);
    }
    return expired;
  }

  /** Fails every request in flight that matches, e.g. those sent through a dispatcher that left. */
  java.util.List<Pending> failWhere(Predicate<Pending> condition, String reason) {
    java.util.List<Pending> failing = new java.util.ArrayList<>();
    for (Iterator<Pending> it = inFlight.values().iterator(); it.hasNext(); ) {
      Pending pending = it.next();
      if (condition.test(pending)) {
        it.remove();
        fail(reason);
        failing.add(pending);
      }
    }
    return failing;
  }

  private void fail(String reason) {
    failed++;
    failedByReason.merge(reason == null ? "unknown" : reason, 1L, Long::sum);
  }

  int inFlight() {
    return inFlight.size();
  }

  long sent() {
    return sent;
  }

  long ok() {
    return ok;
  }

  long okMeasured() {
    return okMeasured;
  }

  long failed() {
    return failed;
  }

  long timeouts() {
    return timeouts;
  }

  long notSent() {
    return notSent;
  }

  long lateReplies() {
    return lateReplies;
  }

  Map<String, Long> failedByReason() {
    return failedByReason;
  }

  Map<String, Long> notSentByReason() {
    return notSentByReason;
  }

  /** The invariant every test of the driver checks. */
  boolean balanced() {
    return sent == ok + failed + timeouts + inFlight.size();
  }
}
