package clusteremu.node.migration;

import clusteremu.node.datacenter.emulation.EmulationLoop;
import clusteremu.node.datacenter.emulation.GuestMemory;
import clusteremu.node.datacenter.emulation.SharedLink;
import java.util.BitSet;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The memory side of every strategy that keeps memory, run on the emulation loop: rounds of
 * pages sent over a {@link PageChannel} to the destination's memory, the {@link StopRule} after
 * each round, then the pause. Pre-copy and stop-and-copy then send the last dirty pages and the
 * execution state and resume the guest at the destination. Post-copy (at once) and hybrid (where
 * pre-copy would pause) send only the execution state, resume the guest at the destination with
 * the rest of its pages missing, and push those in the background, sending first any page the
 * destination faults on ({@link #fault}). Pages carry their version as sent; at the end the
 * destination's versions as installed are compared with the source's last ones ({@code
 * verified}).
 *
 * <p>At most a window of batches is on the way at once, enough to fill the path, and each batch
 * frees its place when its acknowledgement is back; on each link the batches form one flow (see
 * {@link PageChannel}), as a TCP stream would. Loop thread only.
 */
public final class PageCopy {
  /** The VM being moved, as the copy needs it. Calls come on the loop thread; answers may come from any. */
  public interface Guest {
    /**
     * Stops the guest, asked at {@code at}; {@code paused} hears (on the loop) the instant from
     * which it no longer writes memory.
     */
    void pause(long at, LongConsumer paused);

    /**
     * Lets the guest run at the destination from {@code at}, once the execution state and every
     * page but {@code missing} (post-copy; empty otherwise) have arrived there; {@code resumed}
     * hears (on the loop) the instant it does and whether the destination's pages hold every
     * last write (meaningless while pages are missing).
     */
    void resumeAtDestination(long at, long[] missing, Resumed resumed);

    /**
     * Post-copy: the last missing page arrived at the destination at {@code at}; {@code settled}
     * hears (on the loop) whether the destination received every last version.
     */
    void allPagesThere(long at, Resumed settled);

    /** Takes {@code percent} of the guest's CPU away (auto-converge), 0 to give it all back. */
    void throttle(int percent);
  }

  /** The guest runs at the destination. */
  public interface Resumed {
    void at(long instant, boolean verified);
  }

  /** Where the pages go: the destination's memory, here or on another node. */
  public interface PageSink {
    /** Pages that have arrived, with the versions they were sent with. Loop thread. */
    void install(long[] pages, int[] versions);

    /** Pages asked for on demand that have arrived (post-copy): they may take a way of their own. */
    default void installUrgent(long[] pages, int[] versions) {
      install(pages, versions);
    }
  }

  private final EmulationLoop loop;
  private final GuestMemory source;
  private final PageSink destination;
  private final PageChannel channel;
  private final MigrationSettings settings;
  private final Guest guest;
  private final Consumer<MigrationFigures> finished;
  private final StopRule rule;
  private final AutoConverge autoConverge = new AutoConverge();
  private final long pageBytes;
  private final int window;
  /**
   * Batches at most that the destination has not yet taken (acknowledged for real). The model's
   * window paces what the emulated path carries; this one keeps a carrier slower than the model
   * from queueing without bound (Artery drops what overflows its queue), and a copy whose
   * batches are lost stalls, where the migrations' watchdog sees it, instead of going on blind.
   */
  private final int takenWindow;
  private int notTaken;
  private final MigrationFigures figures = new MigrationFigures();

  private long[] sending = new long[0];
  private int cursor;
  private int onTheWay;
  /** Bytes of the execution state still to send in this phase. */
  private long extraLeft;
  private int notArrived;
  private long roundStart;
  private long roundBytes;
  private long pausedAt;
  private LongConsumer whenSent;
  private boolean cancelled;
  private boolean pausing;
  /** Post-copy: the push of the missing pages is under way. */
  private boolean pushing;
  /** Post-copy: pages sent because the destination faulted on them, skipped by the push. */
  private final BitSet sentOnDemand = new BitSet();
  /** Post-copy: the guest runs at the destination (its faults may come before the push starts here). */
  private boolean switched;
  /** Faults that came before the push started: sent first when it does. */
  private final java.util.ArrayDeque<Long> earlyFaults = new java.util.ArrayDeque<>();

  /** Real contents in flight at most, per migration: 16 MiB. */
  private static final long REAL_BYTES_IN_FLIGHT = 16 << 20;
  /** Synthetic batches (about 1 KB each) in flight at most, per migration. */
  private static final int SYNTHETIC_BATCHES_IN_FLIGHT = 1024;

  public PageCopy(
      EmulationLoop loop,
      GuestMemory source,
      PageSink destination,
      long pageBytes,
      PageChannel channel,
      MigrationSettings settings,
      Guest guest,
      Consumer<MigrationFigures> finished) {
    if (settings.strategy() == Strategy.COLD) {
      throw new IllegalArgumentException("a cold move copies no pages");
    }
    this.loop = loop;
    this.source = source;
    this.destination = destination;
    this.pageBytes = pageBytes;
    this.channel = channel;
    this.settings = settings;
    this.guest = guest;
    this.finished = finished;
    this.rule = new StopRule(settings.maxDowntime().toNanos(), settings.maxRounds());
    double bandwidth = Math.min(settings.bandwidthBytesPerSecond(), channel.bottleneckBytesPerSecond());
    long batchBytes = settings.batchPages() * pageBytes;
    // Enough batches on the way to keep the narrowest link busy for one batch's whole cycle.
    this.window = (int) Math.min(1024, Math.ceil(bandwidth * channel.cycleNanos(batchBytes) / 1e9 / batchBytes) + 2);
    this.takenWindow = settings.realContents() ? (int) Math.max(2, REAL_BYTES_IN_FLIGHT / batchBytes) : SYNTHETIC_BATCHES_IN_FLIGHT;
  }

  /** Starts the copy at {@code now}. */
  public void start(long now) {
    figures.startNanos = now;
    figures.status = "active";
    long[] all = new long[(int) source.pages()];
    for (int page = 0; page < all.length; page++) {
      all[page] = page;
    }
    source.takeDirty(); // from here on, dirty means written since it was sent
    if (settings.strategy() == Strategy.STOPCOPY) {
      figures.stopReason = "stopcopy";
      pauseAndFinish(now, all);
    } else if (settings.strategy() == Strategy.POSTCOPY) {
      figures.stopReason = "postcopy";
      switchToPostcopy(now, all);
    } else {
      round(now, all);
    }
  }

  private void round(long now, long[] pages) {
    roundStart = now;
    roundBytes = 0;
    send(now, pages, 0, this::roundDone);
  }

  private void roundDone(long now) {
    int round = figures.rounds.size();
    long duration = Math.max(1, now - roundStart);
    double bytesPerSecond = roundBytes * 1e9 / duration;
    long[] dirty = source.takeDirty();
    long remainingBytes = dirty.length * pageBytes;
    long expected = StopRule.expectedDowntimeNanos(remainingBytes + settings.executionStateBytes(), bytesPerSecond);
    figures.dirtyRatePagesPerSecond = dirty.length * 1e9 / duration;
    figures.expectedDowntimeNanos = expected;
    int throttle = settings.autoConverge() ? autoConverge.afterRound(roundBytes, remainingBytes) : 0;
    figures.rounds.add(new MigrationFigures.Round(round, sending.length, roundBytes, duration, bytesPerSecond, dirty.length, expected, throttle));
    StopRule.Reason reason =
        rule.decide(round, sending.length, dirty.length, remainingBytes + settings.executionStateBytes(), bytesPerSecond, settings.autoConverge() && autoConverge.canRise());
    if (reason == null) {
      if (throttle != figures.throttlePercent) {
        figures.throttlePercent = throttle;
        guest.throttle(throttle);
      }
      round(now, dirty);
      return;
    }
    figures.stopReason = reason.text;
    if (settings.strategy() == Strategy.HYBRID) {
      switchToPostcopy(now, dirty);
    } else {
      pauseAndFinish(now, dirty);
    }
  }

  /**
   * Stops the copy before the guest pauses: nothing more is sent and the guest runs on where it
   * is; {@code finished} hears it with status {@code status}. False when it is too late (the
   * guest has been asked to pause).
   */
  public boolean cancel(String status, String reason) {
    if (pausing || cancelled) {
      return false;
    }
    cancelled = true;
    figures.status = status;
    figures.stopReason = reason;
    figures.totalNanos = loop.now() - figures.startNanos;
    if (figures.throttlePercent != 0) {
      guest.throttle(0);
    }
    finished.accept(figures);
    return true;
  }

  /**
   * Stops sending: the destination died after the guest left (post-copy), and what is left of
   * the copy has nowhere to go. {@code finished} is not called.
   */
  public void abandon() {
    cancelled = true;
  }

  /** Pauses the guest, sends what is still dirty and the execution state, and resumes it at the destination. */
  private void pauseAndFinish(long now, long[] dirtyBeforePause) {
    pausing = true;
    guest.pause(
        now,
        paused -> {
          pausedAt = paused;
          send(pausedAt, dirtyAfterPause(dirtyBeforePause), settings.executionStateBytes(), this::resume);
        });
  }

  /** The pages dirty before the pause and those written since, in page order. */
  private long[] dirtyAfterPause(long[] dirtyBeforePause) {
    BitSet last = new BitSet();
    for (long page : dirtyBeforePause) {
      last.set((int) page);
    }
    for (long page : source.takeDirty()) {
      last.set((int) page);
    }
    return last.stream().asLongStream().toArray();
  }

  /**
   * Pauses the guest, sends only its execution state, resumes it at the destination with the
   * pages still dirty missing there, and pushes those.
   */
  private void switchToPostcopy(long now, long[] dirtyBeforePause) {
    pausing = true;
    guest.pause(
        now,
        paused -> {
          pausedAt = paused;
          switched = true;
          long[] missing = dirtyAfterPause(dirtyBeforePause);
          send(
              pausedAt,
              new long[0],
              settings.executionStateBytes(),
              arrived ->
                  guest.resumeAtDestination(
                      arrived,
                      missing,
                      (resumed, ignored) -> {
                        figures.downtimeNanos = resumed - pausedAt;
                        figures.status = "postcopy";
                        pushing = true;
                        sending = missing;
                        cursor = 0;
                        long now1 = loop.now();
                        while (!earlyFaults.isEmpty()) {
                          fault(earlyFaults.poll(), now1);
                        }
                        send(now1, missing, 0, this::pushed);
                      }));
        });
  }

  /**
   * Post-copy: the destination needs {@code page} now. Sent at once beside the push, unless the
   * push has sent it already or it is not missing there.
   */
  public void fault(long page, long now) {
    if (!pushing) {
      if (switched && !cancelled) {
        earlyFaults.add(page); // the guest already runs there; the push starts here in a moment
      }
      return;
    }
    if (cancelled || sentOnDemand.get((int) page)) {
      return;
    }
    int index = java.util.Arrays.binarySearch(sending, page);
    if (index < cursor) { // not missing (negative), or pushed already: on its way
      return;
    }
    sentOnDemand.set((int) page);
    figures.pagesOnDemand++;
    notTaken++;
    long[] pages = {page};
    int[] versions = {source.version(page)};
    notArrived++;
    figures.pages++;
    figures.bytes += pageBytes;
    channel.sendUrgent(
        now,
        pageBytes,
        arrived -> {
          destination.installUrgent(pages, versions);
          notArrived--;
          maybeSent(arrived);
        });
  }

  private void pushed(long arrived) {
    guest.allPagesThere(
        arrived,
        (settled, verified) -> {
          figures.totalNanos = settled - figures.startNanos;
          figures.verified = verified;
          figures.status = "completed";
          figures.remainingInRound = 0;
          finished.accept(figures);
        });
  }

  private void resume(long arrived) {
    guest.resumeAtDestination(
        arrived,
        new long[0],
        (resumed, verified) -> {
          figures.downtimeNanos = resumed - pausedAt;
          figures.totalNanos = resumed - figures.startNanos;
          figures.verified = verified;
          figures.status = "completed";
          if (figures.throttlePercent != 0) {
            guest.throttle(0);
          }
          finished.accept(figures);
        });
  }

  /**
   * Sends {@code pages} (and {@code extraBytes} after them); {@code done} hears the instant the
   * last of them arrived at the destination.
   */
  private void send(long now, long[] pages, long extraBytes, LongConsumer done) {
    sending = pages;
    cursor = 0;
    figures.remainingInRound = pages.length;
    extraLeft = extraBytes;
    whenSent = done;
    if (pages.length == 0 && extraBytes == 0) {
      whenSent = null;
      done.accept(now);
      return;
    }
    fill(now);
  }

  /** Calls the phase's {@code done}, once, when everything of it has been sent and has arrived. */
  private void maybeSent(long at) {
    if (notArrived == 0 && allSent() && whenSent != null && !cancelled) {
      LongConsumer done = whenSent;
      whenSent = null;
      done.accept(at);
    }
  }

  private boolean allSent() {
    return cursor >= sending.length && extraLeft == 0;
  }

  private void fill(long now) {
    while (!cancelled && onTheWay < window && notTaken < takenWindow && !allSent()) {
      long bytes;
      SharedLink.Done arrival;
      if (cursor < sending.length) {
        long[] batch = new long[Math.min(settings.batchPages(), sending.length - cursor)];
        int count = 0;
        while (count < batch.length && cursor < sending.length) {
          long page = sending[cursor++];
          if (!pushing || !sentOnDemand.get((int) page)) {
            batch[count++] = page;
          }
        }
        if (count == 0) {
          continue; // every page left was sent on demand
        }
        if (count < batch.length) {
          batch = java.util.Arrays.copyOf(batch, count);
        }
        long[] pages = batch;
        int[] versions = new int[count];
        for (int i = 0; i < count; i++) {
          versions[i] = source.version(pages[i]);
        }
        figures.remainingInRound = sending.length - cursor;
        notTaken++;
        bytes = count * pageBytes;
        figures.pages += count;
        arrival = arrived -> {
          destination.install(pages, versions);
          arrived(arrived);
        };
      } else {
        // The execution state goes in batch-sized pieces too, pipelined over the path.
        bytes = Math.min(extraLeft, settings.batchPages() * pageBytes);
        extraLeft -= bytes;
        arrival = this::arrived;
      }
      onTheWay++;
      notArrived++;
      roundBytes += bytes;
      figures.bytes += bytes;
      channel.send(now, bytes, arrival);
    }
    maybeSent(now);
  }

  /** A batch is at the destination: the phase may be over; its acknowledgement frees its place a latency later. */
  private void arrived(long at) {
    notArrived--;
    if (cancelled) {
      return;
    }
    loop.at(
        at + channel.latencyNanos(),
        acked -> {
          onTheWay--;
          fill(acked);
        });
    maybeSent(at);
  }

  /** Real contents: the destination has taken a batch (its acknowledgement came back for real). */
  public void taken(long now) {
    notTaken--;
    if (!cancelled) {
      fill(now);
    }
  }

  public MigrationFigures figures() {
    return figures;
  }
}
