package clusteremu.node.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.emulation.EmulationLoop;
import clusteremu.node.datacenter.emulation.GuestMemory;
import clusteremu.node.datacenter.emulation.Network;
import clusteremu.node.datacenter.emulation.PageFaults;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.scenario.ScenarioLoader;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pre-copy and stop-and-copy on the real emulation loop and network model, against their
 * analytic answers (each within 10%): stop-and-copy takes memory / bandwidth + path latency, all
 * of it downtime; a pre-copy round sends the distinct pages the guest dirtied during the last;
 * a guest that dirties faster than the copy does not converge and the copy says why, unless
 * auto-converge throttles it; the narrowest link of the path sets the pace; two copies sharing
 * an uplink each take twice as long.
 *
 * <p>The VM has 32 MiB (8192 pages of 4 KiB); pages in use carry versions, so that {@code
 * verified} proves the destination holds every last write.
 */
class PageCopyTest {
  private static final int PAGES = 8192;
  private static final long PAGE = 4096;
  private static final double CAP = 128.0 * (1 << 20);
  /** Row uplinks of 400 Mbit/s (50 MB/s): narrower than the cap. */
  private static final double ROW_UPLINK = 50e6;

  private final EmulationLoop loop = new EmulationLoop("page-copy-test");
  private final Topology topology =
      ScenarioLoader.fromConfig(
              Path.of("page-copy-test.conf"),
              ConfigFactory.parseString(
                  """
                  clusteremu {
                    nodes { n { port = 2552, racks = [a, b, c] } }
                    datacenter {
                      links.row.bandwidth = 400Mbit
                      rows {
                        row-1 { racks { a { hosts { a1 {}, a2 {} } }, b { hosts { b1 {} } } } }
                        row-2 { racks { c { hosts { c1 {} } } } }
                      }
                      vms {
                        d { host = c1, guest = data-server }
                        p { host = c1, guest = dispatcher }
                        s { host = c1, guest = app-server }
                      }
                    }
                  }
                  """),
              ConfigFactory.defaultReferenceUnresolved())
          .datacenter()
          .orElseThrow();
  private final Network network = new Network(topology, loop, Set.of(), Placement.initial(topology), null, true);

  @AfterEach
  void stop() {
    loop.close();
  }

  /** A guest that writes {@code rate} pages a second at random over its first {@code hotSet} pages, until paused. */
  private final class Dirtier implements PageCopy.Guest {
    final GuestMemory memory;
    final GuestMemory destination = new GuestMemory(PAGES);
    final double rate;
    final long hotSet;
    final SplittableRandom random = new SplittableRandom(7);
    volatile boolean paused;
    volatile int throttle;
    int highestThrottle;
    volatile long resumedAt;
    java.util.function.LongConsumer onResume = at -> {};
    int touches;

    Dirtier(GuestMemory memory, double rate, long hotSet) {
      this.memory = memory;
      this.rate = rate;
      this.hotSet = hotSet;
    }

    void start() {
      loop.execute(() -> tick(System.nanoTime(), 0));
    }

    private void tick(long due, double owed) {
      if (paused || rate == 0) {
        return;
      }
      owed += rate * (100 - throttle) / 100.0 * 0.001;
      while (owed >= 1) {
        memory.write(random.nextLong(hotSet));
        owed--;
      }
      double carry = owed;
      loop.at(due + 1_000_000, next -> tick(next, carry));
    }

    @Override
    public void pause(long at, java.util.function.LongConsumer paused) {
      this.paused = true;
      paused.accept(at);
    }

    @Override
    public void resumeAtDestination(long at, long[] missing, PageCopy.Resumed resumed) {
      destination.markMissing(missing);
      resumedAt = at;
      resumed.at(at, destination.pagesDifferingFrom(memory) == 0);
      onResume.accept(at);
    }

    @Override
    public void allPagesThere(long at, PageCopy.Resumed settled) {
      settled.at(at, destination.missingPages() == 0 && destination.installedDigest() == memory.checksum());
    }

    @Override
    public void throttle(int percent) {
      throttle = percent;
      highestThrottle = Math.max(highestThrottle, percent);
    }
  }

  private GuestMemory usedMemory() {
    GuestMemory memory = new GuestMemory(PAGES);
    for (long page = 0; page < PAGES; page += 3) {
      memory.write(page);
    }
    return memory;
  }

  private CompletableFuture<MigrationFigures> copy(String from, String to, MigrationSettings settings, GuestMemory memory, Dirtier guest) {
    CompletableFuture<MigrationFigures> done = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicReference<PageCopy> copy = new java.util.concurrent.atomic.AtomicReference<>();
    PageCopy.PageSink sink = (pages, versions) -> {
      for (int i = 0; i < pages.length; i++) {
        guest.destination.install(pages[i], versions[i]);
      }
      loop.execute(() -> copy.get().taken(System.nanoTime())); // the destination acknowledges each batch
    };
    loop.execute(() -> {
      PageChannel channel = new PageChannel(from + "-" + to, settings.bandwidthBytesPerSecond(), network, loop, from, to);
      copy.set(new PageCopy(loop, memory, sink, PAGE, channel, settings, guest, done::complete));
      copy.get().start(System.nanoTime());
    });
    return done;
  }

  /**
   * A post-copy or hybrid move whose destination guest, once resumed, touches a page every
   * millisecond (at random in the first {@code touched} pages) and writes it, through real
   * {@link PageFaults}: a missing page is asked of the source after the path's latency.
   */
  private CompletableFuture<MigrationFigures> postcopy(
      String from, String to, MigrationSettings settings, GuestMemory memory, Dirtier guest, PageFaults faults, long touched) {
    CompletableFuture<MigrationFigures> done = new CompletableFuture<>();
    long latency = network.route(from, to).latencyNanos();
    java.util.concurrent.atomic.AtomicReference<PageCopy> made = new java.util.concurrent.atomic.AtomicReference<>();
    PageCopy.PageSink sink = (pages, versions) -> {
      if (guest.resumedAt == 0) {
        for (int i = 0; i < pages.length; i++) {
          guest.destination.install(pages[i], versions[i]);
        }
      } else {
        faults.arrived(System.nanoTime(), pages, versions);
      }
      loop.execute(() -> made.get().taken(System.nanoTime()));
    };
    loop.execute(() -> {
      PageChannel channel = new PageChannel(from + "-" + to, settings.bandwidthBytesPerSecond(), network, loop, from, to);
      PageCopy copy = new PageCopy(loop, memory, sink, PAGE, channel, settings, guest, done::complete);
      made.set(copy);
      faults.connect((page, now) -> loop.at(now + latency, at -> copy.fault(page, at)));
      guest.onResume = at -> touch(at, guest, faults, touched, new SplittableRandom(11), done);
      copy.start(System.nanoTime());
    });
    return done;
  }

  private void touch(long due, Dirtier guest, PageFaults faults, long touched, SplittableRandom random, CompletableFuture<MigrationFigures> done) {
    if (done.isDone()) {
      return;
    }
    long page = random.nextLong(touched);
    faults.await(page, due, at -> {
      guest.destination.write(page);
      guest.touches++;
    });
    loop.at(due + 1_000_000, next -> touch(next, guest, faults, touched, random, done));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void assertWithin10Percent(double expected, double measured, String what) {
    assertEquals(expected, measured, expected * 0.10, what + ": expected " + expected + ", measured " + measured);
  }

  /** Memory and execution state over {@code bytesPerSecond}, plus the path's latency, in ms. */
  private double copyMs(long pages, double bytesPerSecond, String from, String to) {
    double bytes = pages * PAGE + MigrationSettings.DEFAULT_EXECUTION_STATE_BYTES;
    return bytes / bytesPerSecond * 1e3 + network.route(from, to).latencyNanos() / 1e6;
  }

  @Test
  void stopAndCopyTakesMemoryOverBandwidthPlusLatencyAllOfItDowntime() throws Exception {
    GuestMemory memory = usedMemory();
    MigrationFigures f = copy("a1", "a2", MigrationSettings.defaults(Strategy.STOPCOPY), memory, new Dirtier(memory, 0, 1)).get(30, TimeUnit.SECONDS);
    double expected = copyMs(PAGES, CAP, "a1", "a2");
    System.out.printf("stop-and-copy: total %.1f ms, downtime %.1f ms, model %.1f ms%n", ms(f.totalNanos), ms(f.downtimeNanos), expected);
    assertWithin10Percent(expected, ms(f.totalNanos), "total");
    assertWithin10Percent(expected, ms(f.downtimeNanos), "downtime");
    assertEquals(PAGES, f.pages);
    assertEquals(PAGES * PAGE + MigrationSettings.DEFAULT_EXECUTION_STATE_BYTES, f.bytes);
    assertEquals(Boolean.TRUE, f.verified);
    assertEquals("completed", f.status);
  }

  @Test
  void eachPrecopyRoundSendsTheDistinctPagesDirtiedDuringTheLast() throws Exception {
    GuestMemory memory = usedMemory();
    double rate = 4000; // pages/s over the whole memory, an eighth of what the copy sends
    Dirtier guest = new Dirtier(memory, rate, PAGES);
    guest.start();
    MigrationSettings settings = MigrationSettings.defaults(Strategy.PRECOPY).withMaxDowntime(Duration.ofMillis(5));
    MigrationFigures f = copy("a1", "a2", settings, memory, guest).get(30, TimeUnit.SECONDS);
    f.rounds.forEach(r -> System.out.println("pre-copy " + r.line()));
    assertTrue(f.rounds.size() >= 2, "iterated: " + f.rounds.size() + " rounds");
    assertEquals(PAGES, f.rounds.get(0).pages());
    // Writes during round 0, spread at random over H pages, leave H (1 - e^(-writes / H)) distinct.
    double writes = rate * f.rounds.get(0).durationNanos() / 1e9;
    assertWithin10Percent(PAGES * (1 - Math.exp(-writes / PAGES)), f.rounds.get(1).pages(), "round 1 pages");
    assertWithin10Percent(CAP, f.rounds.get(0).bytesPerSecond(), "round 0 runs at the cap");
    assertEquals("converged", f.stopReason);
    // What was left went within the limit, give or take the last batch's store and forward.
    assertTrue(ms(f.downtimeNanos) < 5 + 1, "downtime within the 5 ms limit: " + ms(f.downtimeNanos));
    assertEquals(Boolean.TRUE, f.verified);
  }

  @Test
  void aGuestDirtyingFasterThanTheCopyDoesNotConvergeAndTheCopySaysWhy() throws Exception {
    GuestMemory memory = usedMemory();
    Dirtier guest = new Dirtier(memory, 2 * CAP / PAGE, PAGES); // twice the pages a second the copy sends
    guest.start();
    MigrationSettings settings = MigrationSettings.defaults(Strategy.PRECOPY).withMaxDowntime(Duration.ofMillis(5)).withMaxRounds(6);
    MigrationFigures f = copy("a1", "a2", settings, memory, guest).get(30, TimeUnit.SECONDS);
    System.out.println("not converging: " + f.line(Strategy.PRECOPY));
    assertTrue(List.of("no-progress", "max-rounds").contains(f.stopReason), f.stopReason);
    assertTrue(ms(f.expectedDowntimeNanos) > 5, "what was left would not go within the limit");
    assertEquals(Boolean.TRUE, f.verified, "the stop-and-copy at the end still moves every last write");
  }

  @Test
  void autoConvergeThrottlesTheGuestUntilTheCopyConverges() throws Exception {
    GuestMemory memory = usedMemory();
    Dirtier guest = new Dirtier(memory, 2 * CAP / PAGE, PAGES);
    guest.start();
    MigrationSettings settings =
        MigrationSettings.defaults(Strategy.PRECOPY).withMaxDowntime(Duration.ofMillis(30)).withAutoConverge(true);
    MigrationFigures f = copy("a1", "a2", settings, memory, guest).get(60, TimeUnit.SECONDS);
    System.out.println("auto-converge: " + f.line(Strategy.PRECOPY) + " after throttles up to " + guest.highestThrottle + "%");
    assertEquals("converged", f.stopReason);
    assertTrue(guest.highestThrottle >= AutoConverge.INITIAL, "throttled: " + guest.highestThrottle);
    assertEquals(0, guest.throttle, "the throttle is lifted at the end");
    assertEquals(Boolean.TRUE, f.verified);
  }

  @Test
  void theNarrowestLinkOfThePathSetsThePace() throws Exception {
    GuestMemory memory = usedMemory();
    MigrationFigures sameRack =
        copy("a1", "a2", MigrationSettings.defaults(Strategy.STOPCOPY), memory, new Dirtier(memory, 0, 1)).get(30, TimeUnit.SECONDS);
    MigrationFigures otherRow =
        copy("a1", "c1", MigrationSettings.defaults(Strategy.STOPCOPY), memory, new Dirtier(memory, 0, 1)).get(30, TimeUnit.SECONDS);
    System.out.printf("same rack %.1f ms, other row %.1f ms%n", ms(sameRack.totalNanos), ms(otherRow.totalNanos));
    assertWithin10Percent(copyMs(PAGES, CAP, "a1", "a2"), ms(sameRack.totalNanos), "same rack, at the cap");
    assertWithin10Percent(copyMs(PAGES, ROW_UPLINK, "a1", "c1"), ms(otherRow.totalNanos), "other row, at the row uplink");
  }

  @Test
  void twoCopiesSharingAnUplinkEachTakeTwiceAsLong() throws Exception {
    GuestMemory first = usedMemory();
    GuestMemory second = usedMemory();
    CompletableFuture<MigrationFigures> a = copy("a1", "c1", MigrationSettings.defaults(Strategy.STOPCOPY), first, new Dirtier(first, 0, 1));
    CompletableFuture<MigrationFigures> b = copy("b1", "c1", MigrationSettings.defaults(Strategy.STOPCOPY), second, new Dirtier(second, 0, 1));
    double alone = copyMs(PAGES, ROW_UPLINK, "a1", "c1");
    double shared = 2 * (alone - network.route("a1", "c1").latencyNanos() / 1e6) + network.route("a1", "c1").latencyNanos() / 1e6;
    MigrationFigures fa = a.get(30, TimeUnit.SECONDS);
    MigrationFigures fb = b.get(30, TimeUnit.SECONDS);
    System.out.printf("sharing the row uplink: %.1f and %.1f ms, model %.1f ms each (alone %.1f)%n", ms(fa.totalNanos), ms(fb.totalNanos), shared, alone);
    assertWithin10Percent(shared, ms(fa.totalNanos), "first");
    assertWithin10Percent(shared, ms(fb.totalNanos), "second");
  }

  @Test
  void postcopyResumesAfterTheExecutionStateAndFetchesTouchedPagesOnDemand() throws Exception {
    GuestMemory memory = usedMemory();
    long state = 4 << 20;
    MigrationSettings settings =
        new MigrationSettings(Strategy.POSTCOPY, MigrationSettings.DEFAULT_MAX_DOWNTIME, 30, CAP, false, MigrationSettings.DEFAULT_BATCH_PAGES, state, false);
    Dirtier guest = new Dirtier(memory, 0, 1);
    PageFaults faults = new PageFaults(guest.destination);
    MigrationFigures f = postcopy("a1", "a2", settings, memory, guest, faults, PAGES).get(30, TimeUnit.SECONDS);
    double latency = network.route("a1", "a2").latencyNanos() / 1e6;
    double downtime = state / CAP * 1e3 + latency;
    double total = (PAGES * PAGE + state) / CAP * 1e3 + latency;
    double meanWait = faults.faults() == 0 ? 0 : ms(faults.waitNanos()) / faults.faults();
    System.out.printf(
        "post-copy: downtime %.1f ms (model %.1f), total %.1f ms (model %.1f), %d faults of %d touches, mean wait %.2f ms (round trip %.2f)%n",
        ms(f.downtimeNanos), downtime, ms(f.totalNanos), total, faults.faults(), guest.touches, meanWait, 2 * latency);
    assertWithin10Percent(downtime, ms(f.downtimeNanos), "downtime: the execution state over the bandwidth plus latency");
    assertWithin10Percent(total, ms(f.totalNanos), "total: every page over the bandwidth");
    assertEquals(PAGES, f.pages, "each page sent once, pushed or on demand");
    assertEquals(PAGES * PAGE + state, f.bytes);
    assertTrue(faults.faults() > 0 && faults.faults() <= guest.touches, faults.faults() + " faults, " + guest.touches + " touches");
    assertTrue(meanWait >= 2 * latency, "a fault waits at least a round trip: " + meanWait);
    // A page not yet pushed comes beside the push (a round trip and 4 KiB); one already in a batch
    // on the way waits for that batch (a few ms at most); neither waits for the rest of the push.
    assertTrue(meanWait < 2 * latency + 20, "and not for the push (" + total + " ms): " + meanWait);
    assertEquals(0, guest.destination.missingPages());
    assertEquals(Boolean.TRUE, f.verified, "every version arrived, though the destination has written since");
    assertEquals("completed", f.status);
  }

  @Test
  void hybridPrecopiesThenMovesOnlyTheExecutionStateDuringTheDowntime() throws Exception {
    GuestMemory memory = usedMemory();
    Dirtier guest = new Dirtier(memory, 4000, PAGES);
    guest.start();
    MigrationSettings settings = MigrationSettings.defaults(Strategy.HYBRID).withMaxDowntime(Duration.ofMillis(1)).withMaxRounds(2);
    PageFaults faults = new PageFaults(guest.destination);
    MigrationFigures f = postcopy("a1", "a2", settings, memory, guest, faults, PAGES).get(30, TimeUnit.SECONDS);
    double downtime = MigrationSettings.DEFAULT_EXECUTION_STATE_BYTES / CAP * 1e3 + network.route("a1", "a2").latencyNanos() / 1e6;
    System.out.printf("hybrid: %s, %d faults; downtime model %.2f ms%n", f.line(Strategy.HYBRID), faults.faults(), downtime);
    assertEquals(2, f.rounds.size(), "pre-copy rounds before the switch");
    assertEquals("max-rounds", f.stopReason);
    assertTrue(f.rounds.get(1).dirtyAfter() > 0, "pages were still dirty at the switch");
    assertEquals(PAGES + f.rounds.get(1).pages() + f.rounds.get(1).dirtyAfter(), f.pages, 1 + f.rounds.get(1).dirtyAfter() / 10,
        "round 0, round 1, then what was dirty (plus what the guest wrote while pausing)");
    assertTrue(ms(f.downtimeNanos) < downtime + 1, "only the execution state moves in the downtime: " + ms(f.downtimeNanos));
    assertEquals(Boolean.TRUE, f.verified);
    assertEquals("completed", f.status);
  }

  @Test
  void realContentsWaitForTheDestinationToTakeThemAtMost16MiBAhead() throws Exception {
    GuestMemory memory = usedMemory();
    Dirtier guest = new Dirtier(memory, 0, 1);
    MigrationSettings settings = MigrationSettings.defaults(Strategy.STOPCOPY).withRealContents(true);
    long perBatch = MigrationSettings.DEFAULT_BATCH_PAGES * PAGE;
    int window = (int) ((16 << 20) / perBatch);
    java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<PageCopy> copy = new java.util.concurrent.atomic.AtomicReference<>();
    CompletableFuture<MigrationFigures> done = new CompletableFuture<>();
    long latency = network.route("a1", "a2").latencyNanos();
    // What the copy had sent and delivered once the acknowledgement of the window's last batch
    // was due, and it could have sent more: read on the loop thread, in emulated time.
    CompletableFuture<long[]> afterWindow = new CompletableFuture<>();
    PageCopy.PageSink sink = (pages, versions) -> {
      for (int i = 0; i < pages.length; i++) {
        guest.destination.install(pages[i], versions[i]);
      }
      if (delivered.incrementAndGet() == window) {
        // This batch arrived no later than now; its acknowledgement is due a latency after
        // that, and the loop runs timed events in order, so this check sees what it freed.
        loop.at(System.nanoTime() + latency + 1_000_000,
            at -> afterWindow.complete(new long[] {copy.get().figures().pages, delivered.get(), done.isDone() ? 1 : 0}));
      }
    };
    loop.execute(() -> {
      PageChannel channel = new PageChannel("real", settings.bandwidthBytesPerSecond(), network, loop, "a1", "a2");
      copy.set(new PageCopy(loop, memory, sink, PAGE, channel, settings, guest, done::complete));
      copy.get().start(System.nanoTime());
    });
    long[] state = afterWindow.get(30, TimeUnit.SECONDS);
    assertEquals((long) window * MigrationSettings.DEFAULT_BATCH_PAGES, state[0], "16 MiB of batches sent, then it waits for the destination");
    assertEquals(window, state[1], "and all of them delivered");
    assertEquals(0, state[2], "not done");
    assertTrue(!done.isDone());
    // The destination takes each batch as it comes: the copy runs to its end.
    int total = PAGES / MigrationSettings.DEFAULT_BATCH_PAGES;
    for (int taken = 0; taken < total; taken++) {
      loop.execute(() -> copy.get().taken(System.nanoTime()));
    }
    MigrationFigures f = done.get(30, TimeUnit.SECONDS);
    assertEquals(total, delivered.get());
    assertEquals(Boolean.TRUE, f.verified);
  }
}
