package clusteremu.node.migration;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.emulation.GuestMemory;
import clusteremu.node.datacenter.host.Host;
import clusteremu.node.datacenter.placement.PlacementReplica;
import clusteremu.node.datacenter.vm.GuestState;
import clusteremu.node.datacenter.vm.Vm;
import clusteremu.tiers.CborSerializable;
import clusteremu.node.datacenter.emulation.NodeDatacenter;
import clusteremu.node.datacenter.emulation.PageFaults;
import clusteremu.node.datacenter.emulation.VmMachine;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The destination side of migrations, at {@code /user/arrivals} on every node: holds room on the
 * host for a VM on its way, receives its pages as they arrive (acknowledging each batch), and when
 * the source says the last are there, checks their digest against the source's ({@code
 * verified}), starts the VM with them and its guest's state, places it cluster-wide with its
 * guest's exact reference, and then tells the source.
 *
 * <p>A post-copy VM starts with pages missing, and the source hears at once that it runs here:
 * its faults ask the source for them (after the path's latency, as the request would take), pages
 * arriving are installed on the loop where the faults wait, and when the source has pushed the
 * last, the digest of the versions as installed is compared with the source's. If the source's
 * node leaves the cluster before that, the VM is lost: it stops here and a line says so. A
 * migration its source gives up gives its room back, or stops its VM if it started here.
 */
public final class Arrivals extends AbstractBehavior<Arrivals.Command> {
  public static final String NAME = "arrivals";
  /**
   * The child that takes pages asked for on demand: its path is not on Artery's large-message
   * lane, so such a page does not queue behind the push's batches (QEMU's preempt channel).
   */
  public static final String URGENT = "urgent";
  /** How long, at most, the check of a finished push waits for pages asked for on demand. */
  private static final int PUSHED_CHECKS = 50;
  private static final long PUSHED_CHECK_NANOS = 100_000_000L;

  public interface Command extends CborSerializable {}

  /** Hold room for {@code vm}, coming from host {@code from}, on host {@code to}; answered to {@code source} with {@link Migrations.Prepared}. */
  public record Prepare(String id, String vm, String from, String to, String strategy, ActorRef<Migrations.Command> source) implements Command {}

  /** Hybrid: pages the VM will start without (dirtied since they were sent); they follow by post-copy. */
  public record Missing(String id, long[] pages) implements Command {}

  /** Post-copy: every page has been pushed; answered with {@link Migrations.Settled}. */
  public record Pushed(String id, long checksum) implements Command {}

  /**
   * Pages that have arrived, with their versions; with real contents also their bytes and the
   * CRC-32C of them (taken pages are acknowledged with {@link Migrations.PagesTaken}).
   */
  public record Pages(String id, long[] pages, int[] versions, byte[] contents, long crc) implements Command {}

  /**
   * The last pages are there: start the VM from {@code state} (with the pages when {@code
   * keepsMemory}, fresh ones for a cold move; with none yet when {@code missingAll}, post-copy);
   * answered with {@link Migrations.Finished}.
   */
  public record Finish(
      String id, GuestState state, long checksum, boolean keepsMemory, boolean missingAll, ActorRef<Migrations.Finished> replyTo)
      implements Command {}

  /** The migration will not finish: let go of what was held, and stop the VM if it started here. */
  public record Abort(String id) implements Command {}

  /** Post-copy: the source has given the VM up as lost (it cannot push its pages): stop it here. */
  public record Lost(String id) implements Command {}

  private record CheckPushed(Pushed pushed, int attempt) implements Command {}

  // Replies are matched by VM name (one migration of a VM at a time): an actor has one message
  // adapter per message class, so an adapter cannot carry a migration's id.
  private record Reserved(Host.Reserved reserved) implements Command {}

  private record Started(Vm.Started started) implements Command {}

  /** The VM is placed here cluster-wide: the source may hear it has arrived. */
  private record Placed(PlacementReplica.Placed placed) implements Command {}

  private record Settle(String id, boolean verified, long faults, long waitNanos) implements Command {}

  private record SourceGone(PeerChange change) implements Command {}

  private record Stopped(Host.VmStopped stopped) implements Command {}

  /** One VM on its way here. */
  private static final class Incoming {
    final String id;
    final VmSpec spec;
    final Prepare prepare;
    final GuestMemory memory;
    ActorRef<Migrations.Finished> finished;
    boolean verified;
    /** Real contents: batches whose bytes did not match their CRC. */
    long corrupted;
    /** Post-copy: the VM runs here and its missing pages are on their way. */
    PageFaults faults;
    /** The VM runs here (since startedNanos), and its guest (null for a VM without one). */
    boolean started;
    ActorRef<Object> guest;
    long startedNanos;
    /** The source has heard the VM runs here ({@link Migrations.Finished}). */
    boolean announced;
    /** Placement names this host cluster-wide, as the VM's move number {@code move}. */
    boolean placed;
    long move;
    /** Post-copy: the verdict on its pages, held until placement is written. */
    Settle settle;
    /** The source gave up before the VM started here: stop it when it does. */
    boolean aborted;

    Incoming(Prepare prepare, VmSpec spec) {
      this.id = prepare.id();
      this.prepare = prepare;
      this.spec = spec;
      this.memory = new GuestMemory(spec.pages());
    }

    String to() {
      return prepare.to();
    }
  }

  public static Behavior<Command> create(
      String node,
      Topology topology,
      Map<String, ActorRef<Host.Command>> hosts,
      ActorRef<PlacementReplica.Command> replica,
      NodeDatacenter datacenter,
      MigrationLog log) {
    return Behaviors.setup(context -> new Arrivals(context, node, topology, hosts, replica, datacenter, log));
  }

  private final String node;
  private final Topology topology;
  private final Map<String, ActorRef<Host.Command>> hosts;
  private final ActorRef<PlacementReplica.Command> replica;
  private final NodeDatacenter datacenter;
  private final MigrationLog log;
  private final ActorRefResolver resolver;
  private final ActorRef<Host.Reserved> reservedAdapter;
  private final ActorRef<Vm.Started> startedAdapter;
  private final ActorRef<PlacementReplica.Placed> placedAdapter;
  private final ActorRef<Host.VmStopped> stoppedAdapter;
  private final Map<String, Incoming> incoming = new HashMap<>();

  private Arrivals(
      ActorContext<Command> context,
      String node,
      Topology topology,
      Map<String, ActorRef<Host.Command>> hosts,
      ActorRef<PlacementReplica.Command> replica,
      NodeDatacenter datacenter,
      MigrationLog log) {
    super(context);
    this.node = node;
    this.topology = topology;
    this.hosts = hosts;
    this.replica = replica;
    this.datacenter = datacenter;
    this.log = log;
    this.resolver = ActorRefResolver.get(context.getSystem());
    this.reservedAdapter = context.messageAdapter(Host.Reserved.class, Reserved::new);
    this.startedAdapter = context.messageAdapter(Vm.Started.class, Started::new);
    this.placedAdapter = context.messageAdapter(PlacementReplica.Placed.class, Placed::new);
    this.stoppedAdapter = context.messageAdapter(Host.VmStopped.class, Stopped::new);
    ActorRef<Command> self = context.getSelf();
    context.spawn(
        Behaviors.receive(Command.class)
            .onAnyMessage(
                message -> {
                  self.tell(message);
                  return Behaviors.same();
                })
            .build(),
        URGENT);
    PeerChange.subscribe(context, SourceGone::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Prepare.class, this::onPrepare)
        .onMessage(Reserved.class, this::onReserved)
        .onMessage(Pages.class, this::onPages)
        .onMessage(Missing.class, this::onMissing)
        .onMessage(Pushed.class, this::onPushed)
        .onMessage(Settle.class, this::onSettle)
        .onMessage(SourceGone.class, this::onSourceGone)
        .onMessage(Stopped.class, stopped -> this)
        .onMessage(Finish.class, this::onFinish)
        .onMessage(Started.class, this::onStarted)
        .onMessage(Abort.class, this::onAbort)
        .onMessage(Lost.class, this::onLost)
        .onMessage(CheckPushed.class, this::onCheckPushed)
        .onMessage(Placed.class, this::onPlaced)
        .build();
  }

  private Behavior<Command> onPrepare(Prepare prepare) {
    VmSpec spec = topology.vms().get(prepare.vm());
    ActorRef<Host.Command> host = hosts.get(prepare.to());
    if (spec == null || host == null) {
      prepare.source().tell(new Migrations.Prepared(prepare.id(), "host " + prepare.to() + " is not carried by node " + node));
      return this;
    }
    Incoming earlier = arrivalOf(prepare.vm());
    if (earlier != null) {
      if (earlier.started || earlier.finished != null) {
        prepare.source().tell(new Migrations.Prepared(prepare.id(), "VM " + prepare.vm() + " is still arriving at node " + node + " (migration " + earlier.id + ")"));
        return this;
      }
      // An earlier migration of this VM here that its source gave up on: its room goes first.
      incoming.remove(earlier.id);
      hosts.get(earlier.to()).tell(new Host.Release(earlier.spec.name()));
    }
    Incoming in = new Incoming(prepare, spec);
    incoming.put(prepare.id(), in);
    host.tell(new Host.Reserve(spec, reservedAdapter));
    return this;
  }

  /** The migration of VM {@code vm} coming here (at most one at a time), or null. */
  private Incoming arrivalOf(String vm) {
    return incoming.values().stream().filter(in -> in.spec.name().equals(vm)).findFirst().orElse(null);
  }

  private Behavior<Command> onReserved(Reserved reserved) {
    Incoming in = arrivalOf(reserved.reserved().vm());
    if (in == null) {
      return this;
    }
    if (reserved.reserved().refusal() != null) {
      incoming.remove(in.id);
    }
    in.prepare.source().tell(new Migrations.Prepared(in.id, reserved.reserved().refusal()));
    return this;
  }

  private Behavior<Command> onPages(Pages pages) {
    Incoming in = incoming.get(pages.id());
    if (in == null) {
      return this;
    }
    if (pages.contents() != null && PageContents.crc(pages.pages(), pages.versions(), pages.contents()) != pages.crc()) {
      in.corrupted++;
      getContext().getLog().error("migration {}: a batch of {} pages arrived corrupted", in.id, pages.pages().length);
    }
    in.prepare.source().tell(new Migrations.PagesTaken(in.id));
    if (in.faults != null) {
      PageFaults faults = in.faults; // the guest runs: install where its faults wait
      datacenter.loop().execute(() -> faults.arrived(datacenter.loop().now(), pages.pages(), pages.versions()));
      return this;
    }
    for (int i = 0; i < pages.pages().length; i++) {
      in.memory.install(pages.pages()[i], pages.versions()[i]);
    }
    return this;
  }

  private Behavior<Command> onMissing(Missing missing) {
    Incoming in = incoming.get(missing.id());
    if (in != null) {
      in.memory.markMissing(missing.pages());
    }
    return this;
  }

  private Behavior<Command> onFinish(Finish finish) {
    Incoming in = incoming.get(finish.id());
    if (in == null) {
      finish.replyTo().tell(new Migrations.Finished(finish.id(), "no migration " + finish.id() + " is coming to node " + node, false, null, 0, 0));
      return this;
    }
    in.finished = finish.replyTo();
    if (finish.missingAll()) {
      in.memory.markAllMissing();
    }
    in.verified = finish.keepsMemory() && in.corrupted == 0 && in.memory.missingPages() == 0 && in.memory.installedDigest() == finish.checksum();
    GuestMemory memory = finish.keepsMemory() ? in.memory : new GuestMemory(in.spec.pages());
    hosts.get(in.to()).tell(
        new Host.StartVm(in.spec, memory, finish.state(), startedAdapter));
    return this;
  }

  private Behavior<Command> onStarted(Started started) {
    Incoming in = arrivalOf(started.started().vm());
    if (in == null || in.finished == null) {
      return this;
    }
    if (started.started().refusal() != null) {
      incoming.remove(in.id);
      in.finished.tell(new Migrations.Finished(in.id, started.started().refusal(), false, null, 0, 0));
      return this;
    }
    if (in.aborted) {
      incoming.remove(in.id);
      stopVm(in, "its source gave the migration up before it started here");
      return this;
    }
    in.started = true;
    in.guest = started.started().guest(); // null for a VM without a guest
    in.startedNanos = datacenter.loop().now();
    if (isPostcopy(in.prepare.strategy())) {
      // The guest runs here now: the source starts its push at once (it stays until its last
      // page is here) while placement is written.
      connectFaults(in);
      announce(in, 0);
    }
    // Otherwise the source hears of the arrival once every node routes here, so that
    // "completed" means every sender finds the VM at its new place; the time placement took is
    // not downtime.
    String guest = in.guest == null ? null : resolver.toSerializationFormat(in.guest);
    replica.tell(new PlacementReplica.Place(in.spec.name(), in.to(), guest, placedAdapter));
    return this;
  }

  private void announce(Incoming in, long placingNanos) {
    in.finished.tell(new Migrations.Finished(in.id, null, in.verified, in.guest, placingNanos, in.move));
    in.announced = true;
  }

  private void stopVm(Incoming in, String why) {
    getContext().getLog().warn("migration {}: VM {} stops at host {}: {}", in.id, in.spec.name(), in.to(), why);
    hosts.get(in.to()).tell(new Host.StopVm(in.spec.name(), stoppedAdapter));
  }

  private Behavior<Command> onPlaced(Placed placed) {
    Incoming in = arrivalOf(placed.placed().vm());
    if (in == null || !in.started || in.placed) {
      return this;
    }
    in.placed = true;
    in.move = placed.placed().move();
    if (!placed.placed().everywhere()) {
      getContext().getLog().warn("migration {}: not every node acknowledged that {} runs at {} in time; the rest hear it by gossip", in.id, in.spec.name(), in.to());
    }
    if (!in.announced) {
      incoming.remove(in.id); // pre-copy or stop-and-copy: done here
      announce(in, datacenter.loop().now() - in.startedNanos);
    } else if (in.settle != null) {
      settle(in);
    }
    return this;
  }

  private static boolean isPostcopy(String strategy) {
    return strategy.equals(Strategy.POSTCOPY.configName()) || strategy.equals(Strategy.HYBRID.configName());
  }

  /** Sends the VM's faults to the source, each after the path's one-way latency (the request's trip). */
  private void connectFaults(Incoming in) {
    VmMachine machine = datacenter.machines().get(in.spec.name());
    in.faults = machine == null || machine.faults() == null ? new PageFaults(in.memory) : machine.faults();
    PageFaults faults = in.faults;
    long latency = datacenter.network().route(in.to(), in.prepare.from()).latencyNanos();
    ActorRef<Migrations.Command> source = in.prepare.source();
    String id = in.id;
    datacenter.loop().execute(
        () -> faults.connect((page, now) -> datacenter.loop().at(now + latency, at -> source.tell(new Migrations.Fault(id, page)))));
  }

  /** The source has pushed every page: once they are installed (on the loop, after the pages), compare digests. */
  private Behavior<Command> onPushed(Pushed pushed) {
    return onCheckPushed(new CheckPushed(pushed, 0));
  }

  /**
   * Pages asked for on demand travel apart from the push (see {@link #URGENT}) and may come a
   * moment after the source says it has pushed the last: the check waits for them a little.
   */
  private Behavior<Command> onCheckPushed(CheckPushed check) {
    Incoming in = incoming.get(check.pushed().id());
    if (in == null || in.faults == null) {
      return this; // nothing to answer: the source's timer tells it
    }
    ActorRef<Command> self = getContext().getSelf();
    PageFaults faults = in.faults;
    Pushed pushed = check.pushed();
    datacenter.loop().execute(
        () -> {
          long missing = in.memory.missingPages();
          if (missing > 0 && check.attempt() < PUSHED_CHECKS) {
            datacenter.loop().at(datacenter.loop().now() + PUSHED_CHECK_NANOS, at -> self.tell(new CheckPushed(pushed, check.attempt() + 1)));
            return;
          }
          if (missing > 0) {
            getContext().getLog().error("migration {}: {} pages never came; VM {} cannot run on", in.id, missing, in.spec.name());
          }
          self.tell(
              new Settle(
                  pushed.id(),
                  in.corrupted == 0 && missing == 0 && in.memory.installedDigest() == pushed.checksum(),
                  faults.faults(),
                  faults.waitNanos()));
        });
    return this;
  }

  private Behavior<Command> onSettle(Settle settle) {
    Incoming in = incoming.get(settle.id());
    if (in == null) {
      return this;
    }
    in.settle = settle;
    if (in.placed) {
      settle(in);
    }
    return this;
  }

  private void settle(Incoming in) {
    incoming.remove(in.id);
    Settle settle = in.settle;
    in.prepare.source().tell(new Migrations.Settled(settle.id(), settle.verified(), settle.faults(), settle.waitNanos(), in.move));
  }

  /**
   * The source's node is unreachable or gone. A VM that runs here by post-copy has lost the pages
   * that never came: it stops, and a line says it is lost. Room held for one that had not
   * started is given back.
   */
  private Behavior<Command> onSourceGone(SourceGone gone) {
    Address address = gone.change().address();
    boolean removed = gone.change().removed();
    for (Incoming in : List.copyOf(incoming.values())) {
      if (!in.prepare.source().path().address().equals(address)) {
        continue;
      }
      if (in.faults != null && !removed) {
        continue; // an unreachable source may come back (a pause on a busy machine); a removed one will not
      }
      incoming.remove(in.id);
      if (in.faults == null && in.started) {
        continue; // it runs here with every page: nothing is missing
      }
      if (in.faults == null) {
        release(in, "the source's node went before " + in.spec.name() + " started here");
        continue;
      }
      long missing = in.memory.missingPages();
      String reason = "the source's node left the cluster with " + missing + " pages not yet here";
      stopVm(in, reason);
      getContext().getLog().error("migration {} lost VM {}: {}", in.id, in.spec.name(), reason);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("kind", "migration");
      line.put("id", in.id);
      line.put("ts", System.currentTimeMillis());
      line.put("vm", in.spec.name());
      line.put("from", in.prepare.from());
      line.put("to", in.to());
      line.put("strategy", in.prepare.strategy());
      line.put("status", "lost");
      line.put("stop_reason", reason);
      line.put("missing_pages", missing);
      line.put("time_dilation", datacenter.loop().time().factor());
      line.put("postcopy_faults", in.faults.faults());
      line.put("postcopy_fault_wait_ms", MigrationFigures.millis(in.faults.waitNanos()));
      line.put("reported_by", "destination");
      log.write(line);
    }
    return this;
  }

  private Behavior<Command> onAbort(Abort abort) {
    Incoming in = incoming.get(abort.id());
    if (in != null) {
      release(in, "its source gave the migration up");
    }
    return this;
  }

  /**
   * Lets go of an arrival: the room held for it, or the VM if it started here (the source runs it
   * on); one asked to start stops when it does.
   */
  private void release(Incoming in, String why) {
    if (in.started) {
      incoming.remove(in.id);
      stopVm(in, why);
    } else if (in.finished != null) {
      in.aborted = true; // asked to start: it stops once it has
    } else {
      incoming.remove(in.id);
      hosts.get(in.to()).tell(new Host.Release(in.spec.name()));
      getContext().getLog().info("migration {}: {}; the room held for {} is free again", in.id, why, in.spec.name());
    }
  }

  private Behavior<Command> onLost(Lost lost) {
    Incoming in = incoming.remove(lost.id());
    if (in != null && in.started) {
      stopVm(in, "its source gave it up as lost with " + in.memory.missingPages() + " pages not here");
    }
    return this;
  }
}
