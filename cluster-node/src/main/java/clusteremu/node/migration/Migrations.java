package clusteremu.node.migration;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.emulation.NodeDatacenter;
import clusteremu.node.datacenter.emulation.VmMachine;
import clusteremu.node.datacenter.host.Host;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.datacenter.placement.PlacementReplica;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.node.datacenter.vm.Vm;
import clusteremu.tiers.CborSerializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The migrations of one node, at {@code /user/migrations} on every node: the source side of the
 * VMs that move away from it ({@link Arrivals} is the destination side). A request may reach any
 * node; it is passed to the node that carries the VM now.
 *
 * <p>The source checks the request, asks the destination node to hold room on its host, then
 * runs the copy (see {@link PageCopy}) on its emulation loop: pages go as {@link Pages} messages,
 * each sent when the emulated network says it has arrived. On the pause the VM hands over its
 * guest's state; once the last pages are there the destination starts the VM with them and the
 * state, places it cluster-wide, and the old VM forwards what still reaches it. Every migration
 * ends as a line in {@code migrations.jsonl}, with one per pre-copy round.
 */
public final class Migrations extends AbstractBehavior<Migrations.Command> {
  public static final String NAME = "migrations";
  /** Missing pages named per message to a post-copy destination: 64 KiB of page numbers. */
  private static final int MISSING_PER_MESSAGE = 8192;
  /** How long the destination may take to answer before the migration fails and the VM runs on at its source. */
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(15);
  /** How often copies are checked for progress; one that sent nothing for {@link #PEER_TIMEOUT} has stalled. */
  private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

  public interface Command extends CborSerializable {}

  /** What a user asks for (the control API's body). */
  public record Request(
      String vm,
      String to,
      String strategy,
      long maxDowntimeMs,
      int maxRounds,
      double bandwidthBytesPerSecond,
      boolean autoConverge,
      boolean realContents)
      implements CborSerializable {}

  /** Starts a migration; answered with {@link Started} once it is under way, or refused before anything moved. */
  public record Start(Request request, ActorRef<Started> replyTo) implements Command {}

  /** @param refusal why nothing moves, or null */
  public record Started(String id, String refusal) implements CborSerializable {}

  /** Asks how a migration stands; answered with a {@link Progress}, or one with status {@code unknown}. */
  public record Get(String id, ActorRef<Progress> replyTo) implements Command {}

  /** Cancels a migration whose guest has not paused yet: the VM stays where it is. */
  public record Cancel(String id, ActorRef<Cancelled> replyTo) implements Command {}

  /** @param refusal why it could not be cancelled, or null when it was */
  public record Cancelled(String id, String refusal) implements CborSerializable {}

  /** Asks for every migration this node has been the source of. */
  public record ListAll(ActorRef<ProgressList> replyTo) implements Command {}

  public record ProgressList(List<Progress> migrations) implements CborSerializable {}

  /** How a migration stands, as {@code GET /migrations/ID} and {@code scripts/migrate} show it. */
  public record Progress(
      String id,
      String vm,
      String from,
      String to,
      String strategy,
      String status,
      String reason,
      int round,
      long remainingPages,
      long dirtyRatePagesPerS,
      double expectedDowntimeMs,
      double totalMs,
      double downtimeMs,
      long bytes,
      long pages,
      Boolean verified,
      double setupMs,
      long postcopyFaults,
      double postcopyFaultWaitMs,
      long postcopyPagesOnDemand)
      implements CborSerializable {}

  /** The destination holds room for the VM, or says why not ({@link Arrivals.Prepare}). */
  public record Prepared(String id, String refusal) implements Command {}

  /**
   * @param guest the guest's reference at its new place (null when refused)
   * @param placingNanos how long placing it cluster-wide took after it started there (the guest
   *     ran meanwhile: not downtime)
   */
  public record Finished(String id, String refusal, boolean verified, ActorRef<Object> guest, long placingNanos, long move) implements Command {}

  /** Real contents: the destination has taken a batch of pages; another may go. */
  public record PagesTaken(String id) implements Command {}

  /** Post-copy: the destination's guest touched {@code page}, which has not arrived yet. */
  public record Fault(String id, long page) implements Command {}

  /**
   * Post-copy: every page is at the destination ({@link Arrivals.Pushed}); whether it holds the
   * source's last versions, and how often and long its guest waited for a page.
   */
  public record Settled(String id, boolean verified, long faults, long faultWaitNanos, long move) implements Command {}

  private record GuestPaused(Vm.Paused paused) implements Command {}

  private record PauseAsked(String id, LongConsumer paused) implements Command {}

  private record ResumeAsked(String id, long[] missing, PageCopy.Resumed resumed) implements Command {}

  private record PagesThere(String id, PageCopy.Resumed settled) implements Command {}

  private record CopyEnded(String id, MigrationFigures figures) implements Command {}

  private record CopyStopped(String id) implements Command {}

  private enum Watch implements Command {
    INSTANCE
  }

  private record PeerSilent(String id, String what) implements Command {}


  private record MemberChanged(PeerChange change) implements Command {}

  private record CopyCancelled(String id, boolean cancelled, ActorRef<Cancelled> replyTo, String status, String reason) implements Command {}

  /** One VM on its way out of this node. */
  private static final class Outgoing {
    final String id;
    final Request request;
    final MigrationSettings settings;
    final VmSpec spec;
    final String from;
    final ActorRef<Arrivals.Command> destination;
    final long startNanos;
    ActorRef<Started> starter;
    String status = "setup";
    String reason = "";
    MigrationFigures figures;
    Vm.Paused paused;
    LongConsumer onPaused;
    PageCopy.Resumed onResumed;
    PageCopy.Resumed onSettled;
    long checksum;
    long pausedAtNanos;
    /** How long placing the VM cluster-wide took after it ran at the destination. */
    long placingNanos;
    /** The copy, once it runs; touched on the loop thread only. */
    volatile PageCopy copy;
    /** Stopped before the copy began: the loop must not start it. */
    volatile boolean stopped;
    /** The destination has been told to start the VM. */
    boolean finishSent;
    /** The guest at the destination, once it runs there. */
    ActorRef<Object> arrivedGuest;
    /** Pages sent, as last seen by the watchdog, and since when they have not changed. */
    long watchedPages = -1;
    long watchedSinceNanos;
    final String toNode;

    Outgoing(
        String id, Request request, MigrationSettings settings, VmSpec spec, String from, String toNode, ActorRef<Arrivals.Command> destination, long startNanos) {
      this.id = id;
      this.startNanos = startNanos;
      this.toNode = toNode;
      this.request = request;
      this.settings = settings;
      this.spec = spec;
      this.from = from;
      this.destination = destination;
    }
  }

  public static Behavior<Command> create(
      String node,
      Topology topology,
      Placement placement,
      VmAddresses addresses,
      NodeDatacenter datacenter,
      Map<String, ActorRef<Host.Command>> hosts,
      Map<String, String> nodeAddresses,
      ActorRef<PlacementReplica.Command> replica,
      MigrationLog log) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Migrations(context, timers, node, topology, placement, addresses, datacenter, hosts, nodeAddresses, replica, log)));
  }

  private final TimerScheduler<Command> timers;
  private final String node;
  private final Topology topology;
  private final Placement placement;
  private final VmAddresses addresses;
  private final NodeDatacenter datacenter;
  private final Map<String, ActorRef<Host.Command>> hosts;
  private final Map<String, String> nodeAddresses;
  private final ActorRef<PlacementReplica.Command> replica;
  private final MigrationLog log;
  private final ActorRefResolver resolver;
  private final ActorRef<Vm.Paused> pausedAdapter;
  private final Map<String, Outgoing> outgoing = new LinkedHashMap<>();
  private long next;

  private Migrations(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String node,
      Topology topology,
      Placement placement,
      VmAddresses addresses,
      NodeDatacenter datacenter,
      Map<String, ActorRef<Host.Command>> hosts,
      Map<String, String> nodeAddresses,
      ActorRef<PlacementReplica.Command> replica,
      MigrationLog log) {
    super(context);
    this.replica = replica;
    timers.startTimerWithFixedDelay(Watch.INSTANCE, datacenter.loop().time().real(WATCH_INTERVAL));
    this.timers = timers;
    this.node = node;
    this.topology = topology;
    this.placement = placement;
    this.addresses = addresses;
    this.datacenter = datacenter;
    this.hosts = hosts;
    this.nodeAddresses = nodeAddresses;
    this.log = log;
    this.resolver = ActorRefResolver.get(context.getSystem());
    this.pausedAdapter = context.messageAdapter(Vm.Paused.class, GuestPaused::new);
    PeerChange.subscribe(context, MemberChanged::new);
  }

  /** A guest's reference as placement keeps it, or null for none. */
  private String serialised(ActorRef<?> guest) {
    return guest == null ? null : resolver.toSerializationFormat(guest);
  }

  /** The migrations actor of node {@code node}. */
  private ActorRef<Command> migrationsOf(String node) {
    return node.equals(this.node) ? getContext().getSelf() : resolver.resolveActorRef(nodeAddresses.get(node) + "/user/" + NAME);
  }

  /** The arrivals actor of node {@code node} (the destination side of its migrations). */
  private ActorRef<Arrivals.Command> arrivalsOf(String node) {
    return resolver.resolveActorRef(nodeAddresses.get(node) + "/user/" + Arrivals.NAME);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Start.class, this::onStart)
        .onMessage(Prepared.class, this::onPrepared)
        .onMessage(PauseAsked.class, this::onPauseAsked)
        .onMessage(GuestPaused.class, this::onGuestPaused)
        .onMessage(ResumeAsked.class, this::onResumeAsked)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(Fault.class, this::onFault)
        .onMessage(PagesTaken.class, this::onPagesTaken)
        .onMessage(PagesThere.class, this::onPagesThere)
        .onMessage(Settled.class, this::onSettled)
        .onMessage(CopyEnded.class, this::onCopyEnded)
        .onMessage(CopyStopped.class, this::onCopyStopped)
        .onMessageEquals(Watch.INSTANCE, this::onWatch)
        .onMessage(PeerSilent.class, this::onPeerSilent)
        .onMessage(Get.class, this::onGet)
        .onMessage(ListAll.class, this::onListAll)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(CopyCancelled.class, this::onCopyCancelled)
        .onMessage(MemberChanged.class, this::onMemberChanged)
        .build();
  }

  // ---- source side ----

  private Behavior<Command> onStart(Start start) {
    Request request = start.request();
    Optional<String> refusal = MigrationRequests.check(request, topology, placement);
    if (refusal.isPresent()) {
      start.replyTo().tell(new Started(null, refusal.get()));
      return this;
    }
    String from = placement.hostOf(request.vm());
    String carrier = placement.nodeOf(from).orElseThrow();
    if (!carrier.equals(node)) {
      migrationsOf(carrier).tell(start); // the node that carries the VM runs its migration
      return this;
    }
    if (addresses.localVm(request.vm()).isEmpty() || !datacenter.machines().containsKey(request.vm())) {
      start.replyTo().tell(new Started(null, "VM " + request.vm() + " is not running on host " + from + " (is it still starting, or moving?)"));
      return this;
    }
    if (outgoing.values().stream().anyMatch(o -> o.spec.name().equals(request.vm()) && !ended(o))) {
      start.replyTo().tell(new Started(null, "VM " + request.vm() + " is already migrating"));
      return this;
    }
    long stillComing = datacenter.machines().get(request.vm()).memory().missingPages();
    if (stillComing > 0) {
      start.replyTo().tell(new Started(null, "VM " + request.vm() + " is still arriving by post-copy (" + stillComing + " pages to come); try again when it has"));
      return this;
    }
    String id = node + "." + (++next);
    String toNode = placement.nodeOf(request.to()).orElseThrow();
    Outgoing out = new Outgoing(id, request, MigrationRequests.settings(request), topology.vms().get(request.vm()), from, toNode, arrivalsOf(toNode), datacenter.loop().now());
    out.starter = start.replyTo();
    outgoing.put(id, out);
    out.destination.tell(new Arrivals.Prepare(id, request.vm(), from, request.to(), request.strategy(), getContext().getSelf()));
    // Real time: preparing is messages between nodes only (the control API's ask waits just above it).
    timers.startSingleTimer(id, new PeerSilent(id, "prepare"), PEER_TIMEOUT);
    getContext().getLog().info("migration {}: {} from {} to {} ({})", id, request.vm(), from, request.to(), request.strategy());
    return this;
  }

  private static boolean ended(Outgoing out) {
    return switch (out.status) {
      case "completed", "failed", "refused", "cancelled", "lost" -> true;
      default -> false;
    };
  }

  private Behavior<Command> onPrepared(Prepared prepared) {
    Outgoing out = outgoing.get(prepared.id());
    if (out == null || !out.status.equals("setup")) {
      return this;
    }
    timers.cancel(out.id);
    if (prepared.refusal() != null) {
      out.status = "refused";
      out.reason = prepared.refusal();
      out.starter.tell(new Started(null, prepared.refusal()));
      return this;
    }
    out.status = "active";
    out.starter.tell(new Started(out.id, null));
    VmMachine machine = datacenter.machines().get(out.spec.name());
    if (out.settings.strategy() == Strategy.COLD) {
      // Weak mobility: stop the guest, start a fresh one at the destination; its memory is lost.
      out.figures = new MigrationFigures();
      out.figures.startNanos = out.startNanos;
      out.figures.setupNanos = datacenter.loop().now() - out.startNanos;
      out.figures.stopReason = "cold";
      out.status = "paused";
      addresses.<Vm.Command>localVm(out.spec.name()).orElseThrow()
          .tell(new Vm.Pause(pausedAdapter));
      return this;
    }
    ActorRef<Command> self = getContext().getSelf();
    PageCopy.Guest guest =
        new PageCopy.Guest() {
          @Override
          public void pause(long at, LongConsumer paused) {
            self.tell(new PauseAsked(out.id, paused));
          }

          @Override
          public void resumeAtDestination(long at, long[] missing, PageCopy.Resumed resumed) {
            self.tell(new ResumeAsked(out.id, missing, resumed));
          }

          @Override
          public void allPagesThere(long at, PageCopy.Resumed settled) {
            self.tell(new PagesThere(out.id, settled));
          }

          @Override
          public void throttle(int percent) {
            machine.throttle(percent);
          }
        };
    int pageBytes = (int) topology.pageBytes();
    ActorRef<Arrivals.Command> urgent = resolver.resolveActorRef(nodeAddresses.get(out.toNode) + "/user/" + Arrivals.NAME + "/" + Arrivals.URGENT);
    PageCopy.PageSink sink =
        new PageCopy.PageSink() {
          @Override
          public void install(long[] pages, int[] versions) {
            out.destination.tell(batch(pages, versions));
          }

          @Override
          public void installUrgent(long[] pages, int[] versions) {
            urgent.tell(batch(pages, versions));
          }

          private Arrivals.Pages batch(long[] pages, int[] versions) {
            if (!out.settings.realContents()) {
              return new Arrivals.Pages(out.id, pages, versions, null, 0);
            }
            byte[] contents = PageContents.of(pages, versions, pageBytes);
            return new Arrivals.Pages(out.id, pages, versions, contents, PageContents.crc(pages, versions, contents));
          }
        };
    datacenter.loop().execute(
        () -> {
          PageChannel channel = new PageChannel(out.id, out.settings.bandwidthBytesPerSecond(), datacenter.network(), datacenter.loop(), out.from, out.request.to());
          PageCopy copy =
              new PageCopy(datacenter.loop(), machine.memory(), sink, topology.pageBytes(), channel, out.settings, guest, figures -> self.tell(new CopyEnded(out.id, figures)));
          if (out.stopped) {
            return; // cancelled, or the destination went, before the copy began
          }
          out.figures = copy.figures();
          out.copy = copy;
          long now = datacenter.loop().now();
          copy.figures().setupNanos = now - out.startNanos; // the destination held room: QEMU's setup
          copy.start(now);
        });
    return this;
  }

  private Behavior<Command> onPauseAsked(PauseAsked asked) {
    Outgoing out = outgoing.get(asked.id());
    if (out == null || ended(out)) {
      return this;
    }
    out.onPaused = asked.paused();
    out.status = "paused";
    ActorRef<Vm.Command> vm = addresses.<Vm.Command>localVm(out.spec.name()).orElseThrow();
    vm.tell(new Vm.Pause(pausedAdapter));
    return this;
  }

  private Behavior<Command> onGuestPaused(GuestPaused paused) {
    Outgoing out = migrationOf(paused.paused().vm());
    if (out == null) {
      return this;
    }
    out.paused = paused.paused();
    out.pausedAtNanos = datacenter.loop().now();
    if (out.settings.strategy() == Strategy.COLD) {
      out.finishSent = true;
      out.destination.tell(new Arrivals.Finish(out.id, null, 0, false, false, getContext().getSelf().narrow()));
      timers.startSingleTimer(out.id, new PeerSilent(out.id, "finish"), datacenter.loop().time().real(PEER_TIMEOUT));
      return this;
    }
    LongConsumer onPaused = out.onPaused;
    long now = out.pausedAtNanos;
    datacenter.loop().execute(() -> onPaused.accept(now));
    return this;
  }

  /**
   * The migration under way of VM {@code vm} (at most one), or null. Replies are matched by VM:
   * an actor has one message adapter per message class, so an adapter cannot carry an id.
   */
  private Outgoing migrationOf(String vm) {
    return outgoing.values().stream().filter(o -> o.spec.name().equals(vm) && !ended(o)).findFirst().orElse(null);
  }

  private Behavior<Command> onResumeAsked(ResumeAsked asked) {
    Outgoing out = outgoing.get(asked.id());
    if (out == null || ended(out)) {
      return this;
    }
    out.onResumed = asked.resumed();
    out.checksum = out.paused.memory().checksum();
    long[] missing = asked.missing();
    boolean missingAll = missing.length == out.spec.pages();
    if (!missingAll) {
      // Hybrid: the pages dirtied since they were sent, in messages well under Artery's frame.
      for (int from = 0; from < missing.length; from += MISSING_PER_MESSAGE) {
        long[] part = java.util.Arrays.copyOfRange(missing, from, Math.min(missing.length, from + MISSING_PER_MESSAGE));
        out.destination.tell(new Arrivals.Missing(out.id, part));
      }
    }
    out.finishSent = true;
    out.destination.tell(new Arrivals.Finish(out.id, out.paused.state(), out.checksum, true, missingAll, getContext().getSelf().narrow()));
    timers.startSingleTimer(out.id, new PeerSilent(out.id, "finish"), datacenter.loop().time().real(PEER_TIMEOUT));
    return this;
  }

  private Behavior<Command> onFinished(Finished finished) {
    Outgoing out = outgoing.get(finished.id());
    if (out == null || ended(out)) {
      return this;
    }
    timers.cancel(out.id);
    if (finished.refusal() != null) {
      fail(out, "the destination did not start the VM: " + finished.refusal());
      return this;
    }
    hosts.get(out.from).tell(new Host.VmMoved(out.spec.name(), finished.guest()));
    out.arrivedGuest = finished.guest();
    if (finished.move() > 0) {
      // This node sees the new place at once, not when Distributed Data next notifies it: a
      // request for the VM that reaches it now is passed on to where the VM runs.
      placement.placeVm(out.spec.name(), out.request.to(), serialised(finished.guest()), finished.move());
    }
    if (isPostcopy(out)) {
      out.status = "postcopy"; // the guest runs there; its missing pages follow
    }
    long now = datacenter.loop().now();
    long runningThere = now - finished.placingNanos(); // when the guest ran at the destination
    out.placingNanos = finished.placingNanos();
    if (out.onResumed != null) {
      PageCopy.Resumed resumed = out.onResumed;
      boolean verified = finished.verified();
      datacenter.loop().execute(() -> resumed.at(runningThere, verified));
    } else {
      out.figures.downtimeNanos = runningThere - out.pausedAtNanos;
      out.figures.totalNanos = now - out.startNanos;
      out.figures.verified = false; // nothing was copied: what the guest held is gone
      out.figures.status = "completed";
      getContext().getSelf().tell(new CopyEnded(out.id, out.figures));
    }
    return this;
  }

  private static boolean isPostcopy(Outgoing out) {
    return out.settings.strategy() == Strategy.POSTCOPY || out.settings.strategy() == Strategy.HYBRID;
  }

  private Behavior<Command> onFault(Fault fault) {
    Outgoing out = outgoing.get(fault.id());
    // A fault may come before the source has heard the VM runs there (status still "paused"):
    // the copy keeps it for when its push starts.
    if (out != null && out.copy != null && isPostcopy(out) && !ended(out)) {
      PageCopy copy = out.copy;
      datacenter.loop().execute(() -> copy.fault(fault.page(), datacenter.loop().now()));
    }
    return this;
  }

  private Behavior<Command> onPagesTaken(PagesTaken taken) {
    Outgoing out = outgoing.get(taken.id());
    if (out != null && out.copy != null && !ended(out)) {
      PageCopy copy = out.copy;
      datacenter.loop().execute(() -> copy.taken(datacenter.loop().now()));
    }
    return this;
  }

  private Behavior<Command> onPagesThere(PagesThere there) {
    Outgoing out = outgoing.get(there.id());
    if (out == null || ended(out)) {
      return this;
    }
    out.onSettled = there.settled();
    out.destination.tell(new Arrivals.Pushed(out.id, out.checksum));
    timers.startSingleTimer(out.id, new PeerSilent(out.id, "settle"), datacenter.loop().time().real(PEER_TIMEOUT));
    return this;
  }

  private Behavior<Command> onSettled(Settled settled) {
    Outgoing out = outgoing.get(settled.id());
    if (out == null || ended(out) || out.onSettled == null) {
      return this;
    }
    timers.cancel(out.id);
    if (settled.move() > 0) {
      placement.placeVm(out.spec.name(), out.request.to(), serialised(out.arrivedGuest), settled.move()); // as on Finished
    }
    out.figures.postcopyFaults = settled.faults();
    out.figures.postcopyFaultWaitNanos = settled.faultWaitNanos();
    PageCopy.Resumed done = out.onSettled;
    long now = datacenter.loop().now();
    datacenter.loop().execute(() -> done.at(now, settled.verified()));
    return this;
  }

  /**
   * Post-copy, after the guest resumed at the destination: the destination's node is gone, and
   * with it the only copy of what the guest wrote there, while pages it never got are here.
   */
  private void lose(Outgoing out, String reason) {
    out.status = "lost";
    out.reason = reason + " after the VM resumed there: its memory was split between the two hosts";
    out.destination.tell(new Arrivals.Lost(out.id)); // if it is still there, its VM stops: it can never have all its pages
    getContext().getLog().error("migration {} lost VM {}: {}", out.id, out.spec.name(), out.reason);
    // The line is written once the copy has stopped on the loop, so that its figures hold still.
    PageCopy copy = out.copy;
    ActorRef<Command> self = getContext().getSelf();
    datacenter.loop().execute(
        () -> {
          if (copy != null) {
            copy.abandon();
          }
          self.tell(new CopyStopped(out.id));
        });
  }

  /**
   * A copy that has sent nothing for {@link #PEER_TIMEOUT} has stalled: its batches were lost on
   * the way, or the destination takes none. It ends, saying so, instead of hanging as active.
   */
  private Behavior<Command> onWatch() {
    long now = datacenter.loop().now();
    for (Outgoing out : List.copyOf(outgoing.values())) {
      boolean copying = out.status.equals("active") || out.status.equals("postcopy");
      if (!copying || out.figures == null || out.copy == null) {
        continue;
      }
      long pages = out.figures.pages;
      if (pages != out.watchedPages) {
        out.watchedPages = pages;
        out.watchedSinceNanos = now;
      } else if (now - out.watchedSinceNanos > PEER_TIMEOUT.toNanos()) {
        String reason = "no page went out for " + PEER_TIMEOUT.toSeconds() + " s (pages lost on the way, or the destination takes none)";
        if (out.status.equals("postcopy")) {
          lose(out, reason);
        } else {
          stopBeforePause(out, "failed", reason, null);
        }
      }
    }
    return this;
  }

  private Behavior<Command> onCopyStopped(CopyStopped stopped) {
    Outgoing out = outgoing.get(stopped.id());
    out.figures.status = out.status;
    out.figures.totalNanos = datacenter.loop().now() - out.startNanos;
    writeLines(out);
    release(out);
    return this;
  }

  /** What an ended migration no longer needs: the copy and the source's pages. */
  private static void release(Outgoing out) {
    out.copy = null;
    out.paused = null;
    out.onResumed = null;
    out.onSettled = null;
  }

  private Behavior<Command> onCopyEnded(CopyEnded ended) {
    Outgoing out = outgoing.get(ended.id());
    if (out == null || ended(out)) {
      return this; // failed or lost meanwhile: its line is written
    }
    out.figures = ended.figures();
    if (out.settings.strategy() != Strategy.COLD) {
      out.figures.totalNanos += out.figures.setupNanos; // QEMU's total time includes setup
      if (!isPostcopy(out) && out.figures.status.equals("completed")) {
        out.figures.totalNanos += out.placingNanos; // it ends once every node routes to the new place
      }
    }
    out.status = ended.figures().status;
    out.reason = ended.figures().stopReason;
    writeLines(out);
    release(out);
    getContext().getLog().info("migration {} {}: {}", out.id, out.status, ended.figures().line(out.settings.strategy()));
    return this;
  }

  private Behavior<Command> onPeerSilent(PeerSilent silent) {
    Outgoing out = outgoing.get(silent.id());
    if (out == null || ended(out)) {
      return this;
    }
    if (silent.what().equals("prepare")) {
      out.status = "failed";
      out.reason = "the destination's node did not answer within " + PEER_TIMEOUT.toSeconds() + " s";
      out.starter.tell(new Started(null, out.reason));
      out.destination.tell(new Arrivals.Abort(out.id)); // should it answer late, it lets the room go
      writeLines(out);
      return this;
    }
    if (out.status.equals("postcopy")) {
      lose(out, "the destination did not confirm its pages within " + PEER_TIMEOUT.toSeconds() + " s");
      return this;
    }
    fail(out, "the destination did not start the VM within " + PEER_TIMEOUT.toSeconds() + " s");
    return this;
  }

  /** The move failed after the guest paused: it runs on at the source; the destination lets go. */
  private void fail(Outgoing out, String reason) {
    out.status = "failed";
    out.reason = reason;
    addresses.<Vm.Command>localVm(out.spec.name()).ifPresent(vm -> vm.tell(Vm.Resume.INSTANCE));
    VmMachine machine = datacenter.machines().get(out.spec.name());
    if (machine != null && machine.throttlePercent() != 0) {
      machine.throttle(0); // auto-converge had slowed it; it runs on at full speed here
    }
    if (out.finishSent) {
      // The destination may have started and placed it before it heard of the failure: the
      // source says again, cluster-wide, that the VM runs here.
      replica.tell(new PlacementReplica.Place(out.spec.name(), out.from, serialised(addresses.localGuestOrNull(out.spec.name())), getContext().getSystem().ignoreRef()));
    }
    out.destination.tell(new Arrivals.Abort(out.id));
    getContext().getLog().warn("migration {} failed: {}; {} runs on at {}", out.id, reason, out.spec.name(), out.from);
    writeLines(out);
    release(out);
  }

  private void writeLines(Outgoing out) {
    MigrationFigures figures = out.figures == null ? new MigrationFigures() : out.figures;
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("kind", "migration");
    line.put("id", out.id);
    line.put("ts", System.currentTimeMillis());
    line.put("vm", out.spec.name());
    line.put("from", out.from);
    line.put("to", out.request.to());
    line.putAll(figures.line(out.settings.strategy()));
    line.put("contents", out.settings.realContents() ? "real" : "synthetic");
    line.put("time_dilation", datacenter.loop().time().factor());
    line.put("status", out.status);
    if (!out.reason.isEmpty()) {
      line.put("stop_reason", out.reason);
    }
    log.write(line);
    for (MigrationFigures.Round round : figures.rounds) {
      Map<String, Object> roundLine = new LinkedHashMap<>();
      roundLine.put("kind", "round");
      roundLine.put("id", out.id);
      roundLine.put("vm", out.spec.name());
      roundLine.putAll(round.line());
      log.write(roundLine);
    }
  }

  private Behavior<Command> onGet(Get get) {
    Outgoing out = outgoing.get(get.id());
    if (out == null) {
      get.replyTo().tell(unknown(get.id()));
    } else {
      get.replyTo().tell(progress(out));
    }
    return this;
  }

  private Behavior<Command> onListAll(ListAll list) {
    list.replyTo().tell(new ProgressList(outgoing.values().stream().map(this::progress).toList()));
    return this;
  }

  static Progress unknown(String id) {
    return new Progress(id, null, null, null, null, "unknown", "no migration " + id, 0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, 0, 0);
  }

  /** How {@code out} stands now. */
  private Progress progress(Outgoing out) {
    MigrationFigures figures = out.figures;
    double elapsedMs = (datacenter.loop().now() - out.startNanos) / 1e6;
    if (figures == null) {
      return new Progress(
          out.id, out.spec.name(), out.from, out.request.to(), out.request.strategy(), out.status, out.reason, 0, out.spec.pages(), 0, 0,
          elapsedMs, 0, 0, 0, null, 0, 0, 0, 0);
    }
    List<MigrationFigures.Round> rounds = figures.rounds;
    MigrationFigures.Round last = rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
    return new Progress(
        out.id, out.spec.name(), out.from, out.request.to(), out.request.strategy(), out.status,
        out.reason.isEmpty() ? figures.stopReason : out.reason,
        rounds.size(),
        ended(out) ? (last == null ? 0 : last.dirtyAfter()) : figures.remainingInRound,
        Math.round(figures.dirtyRatePagesPerSecond),
        MigrationFigures.millis(figures.expectedDowntimeNanos),
        ended(out) ? MigrationFigures.millis(figures.totalNanos) : elapsedMs,
        MigrationFigures.millis(figures.downtimeNanos),
        figures.bytes,
        figures.pages,
        figures.verified,
        MigrationFigures.millis(figures.setupNanos),
        figures.postcopyFaults,
        MigrationFigures.millis(figures.postcopyFaultWaitNanos),
        figures.pagesOnDemand);
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    Outgoing out = outgoing.get(cancel.id());
    if (out == null) {
      cancel.replyTo().tell(new Cancelled(cancel.id(), "no migration " + cancel.id()));
      return this;
    }
    stopBeforePause(out, "cancelled", "cancelled by request", cancel.replyTo());
    return this;
  }

  /**
   * Stops {@code out} if its guest has not paused: the copy stops on the loop, the destination
   * lets go of what it held, and the VM runs on here. Answers {@code replyTo} if not null.
   */
  private void stopBeforePause(Outgoing out, String status, String reason, ActorRef<Cancelled> replyTo) {
    if (ended(out) || out.status.equals("paused")) {
      if (replyTo != null) {
        replyTo.tell(new Cancelled(out.id, ended(out) ? "migration " + out.id + " has ended (" + out.status + ")" : "too late: the guest has paused"));
      }
      return;
    }
    ActorRef<Command> self = getContext().getSelf();
    // Decided on the loop, where the copy is made: either it has not begun (and never will), or it cancels.
    datacenter.loop().execute(
        () -> {
          if (out.copy == null) {
            out.stopped = true;
            self.tell(new CopyCancelled(out.id, true, replyTo, status, reason));
          } else {
            self.tell(new CopyCancelled(out.id, out.copy.cancel(status, reason), replyTo, status, reason));
          }
        });
  }

  private Behavior<Command> onCopyCancelled(CopyCancelled cancelled) {
    Outgoing out = outgoing.get(cancelled.id());
    if (!cancelled.cancelled()) {
      if (cancelled.replyTo() != null) {
        cancelled.replyTo().tell(new Cancelled(out.id, "too late: the guest has paused"));
      }
      return this;
    }
    timers.cancel(out.id);
    out.status = cancelled.status();
    out.reason = cancelled.reason();
    out.destination.tell(new Arrivals.Abort(out.id));
    if (out.figures == null) {
      writeLines(out);
    }
    if (cancelled.replyTo() != null) {
      cancelled.replyTo().tell(new Cancelled(out.id, null));
    }
    getContext().getLog().info("migration {} {}: {}; {} stays on {}", out.id, out.status, out.reason, out.spec.name(), out.from);
    return this;
  }

  /** The destination's node is unreachable or gone: its migrations fail, and their VMs run on here. */
  private Behavior<Command> onMemberChanged(MemberChanged changed) {
    String address = changed.change().address().toString();
    boolean removed = changed.change().removed();
    for (Outgoing out : List.copyOf(outgoing.values())) {
      if (ended(out) || !address.equals(nodeAddresses.get(out.toNode))) {
        continue;
      }
      String reason = "the destination's node " + out.toNode + (removed ? " left the cluster" : " became unreachable");
      if (out.status.equals("postcopy")) {
        // Only a node that is gone loses the VM: an unreachable one may come back (a pause of
        // a few seconds on a busy machine), and then the push goes on.
        if (removed) {
          lose(out, reason);
        }
      } else if (out.status.equals("paused")) {
        fail(out, reason);
      } else {
        stopBeforePause(out, "failed", reason, null);
      }
    }
    return this;
  }
}
