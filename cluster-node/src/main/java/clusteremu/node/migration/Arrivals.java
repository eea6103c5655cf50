package clusteremu.node.migration;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.emulation.GuestMemory;
import clusteremu.node.datacenter.host.Host;
import clusteremu.node.datacenter.placement.PlacementReplica;
import clusteremu.node.datacenter.vm.GuestState;
import clusteremu.node.datacenter.vm.Vm;
import clusteremu.tiers.CborSerializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The destination side of migrations, at {@code /user/arrivals} on every node: holds room on the
 * host for a VM on its way, receives its pages as they arrive, and when the source says the last
 * are there, checks their digest against the source's ({@code verified}), starts the VM with them
 * and its guest's state, and places it cluster-wide with its guest's exact reference.
 */
public final class Arrivals extends AbstractBehavior<Arrivals.Command> {
  public static final String NAME = "arrivals";

  public interface Command extends CborSerializable {}

  /** Hold room for {@code vm} on host {@code to}; answered with {@link Migrations.Prepared}. */
  public record Prepare(String id, String vm, String to, ActorRef<Migrations.Prepared> replyTo) implements Command {}

  /** Pages that have arrived, with their versions. */
  public record Pages(String id, long[] pages, int[] versions) implements Command {}

  /**
   * The last pages are there: start the VM from {@code state} (with the pages when {@code
   * keepsMemory}, fresh ones for a cold move); answered with {@link Migrations.Finished}.
   */
  public record Finish(String id, GuestState state, long checksum, boolean keepsMemory, ActorRef<Migrations.Finished> replyTo) implements Command {}

  /** The migration will not finish: let go of what was held. */
  public record Abort(String id) implements Command {}

  private record Reserved(String id, Host.Reserved reserved) implements Command {}

  private record Started(String id, Vm.Started started) implements Command {}

  private record Placed(PlacementReplica.Placed placed) implements Command {}

  /** One VM on its way here. */
  private static final class Incoming {
    final VmSpec spec;
    final String to;
    final GuestMemory memory;
    ActorRef<Migrations.Prepared> prepared;
    ActorRef<Migrations.Finished> finished;
    boolean verified;

    Incoming(VmSpec spec, String to) {
      this.spec = spec;
      this.to = to;
      this.memory = new GuestMemory(spec.pages());
    }
  }

  public static Behavior<Command> create(
      String node, Topology topology, Map<String, ActorRef<Host.Command>> hosts, ActorRef<PlacementReplica.Command> replica) {
    return Behaviors.setup(context -> new Arrivals(context, node, topology, hosts, replica));
  }

  private final String node;
  private final Topology topology;
  private final Map<String, ActorRef<Host.Command>> hosts;
  private final ActorRef<PlacementReplica.Command> replica;
  private final ActorRefResolver resolver;
  private final Map<String, Incoming> incoming = new HashMap<>();

  private Arrivals(
      ActorContext<Command> context, String node, Topology topology, Map<String, ActorRef<Host.Command>> hosts, ActorRef<PlacementReplica.Command> replica) {
    super(context);
    this.node = node;
    this.topology = topology;
    this.hosts = hosts;
    this.replica = replica;
    this.resolver = ActorRefResolver.get(context.getSystem());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Prepare.class, this::onPrepare)
        .onMessage(Reserved.class, this::onReserved)
        .onMessage(Pages.class, this::onPages)
        .onMessage(Finish.class, this::onFinish)
        .onMessage(Started.class, this::onStarted)
        .onMessage(Abort.class, this::onAbort)
        .onMessage(Placed.class, placed -> this)
        .build();
  }

  private Behavior<Command> onPrepare(Prepare prepare) {
    VmSpec spec = topology.vms().get(prepare.vm());
    ActorRef<Host.Command> host = hosts.get(prepare.to());
    if (spec == null || host == null) {
      prepare.replyTo().tell(new Migrations.Prepared(prepare.id(), "host " + prepare.to() + " is not carried by node " + node));
      return this;
    }
    Incoming in = new Incoming(spec, prepare.to());
    in.prepared = prepare.replyTo();
    incoming.put(prepare.id(), in);
    host.tell(new Host.Reserve(spec, getContext().messageAdapter(Host.Reserved.class, reserved -> new Reserved(prepare.id(), reserved))));
    return this;
  }

  private Behavior<Command> onReserved(Reserved reserved) {
    Incoming in = incoming.get(reserved.id());
    if (in == null) {
      return this;
    }
    if (reserved.reserved().refusal() != null) {
      incoming.remove(reserved.id());
    }
    in.prepared.tell(new Migrations.Prepared(reserved.id(), reserved.reserved().refusal()));
    return this;
  }

  private Behavior<Command> onPages(Pages pages) {
    Incoming in = incoming.get(pages.id());
    if (in != null) {
      for (int i = 0; i < pages.pages().length; i++) {
        in.memory.install(pages.pages()[i], pages.versions()[i]);
      }
    }
    return this;
  }

  private Behavior<Command> onFinish(Finish finish) {
    Incoming in = incoming.get(finish.id());
    if (in == null) {
      finish.replyTo().tell(new Migrations.Finished(finish.id(), "no migration " + finish.id() + " is coming to node " + node, false, null));
      return this;
    }
    in.finished = finish.replyTo();
    in.verified = finish.keepsMemory() && in.memory.checksum() == finish.checksum();
    GuestMemory memory = finish.keepsMemory() ? in.memory : new GuestMemory(in.spec.pages());
    hosts.get(in.to).tell(
        new Host.StartVm(in.spec, memory, finish.state(), getContext().messageAdapter(Vm.Started.class, started -> new Started(finish.id(), started))));
    return this;
  }

  private Behavior<Command> onStarted(Started started) {
    Incoming in = incoming.remove(started.id());
    if (in == null) {
      return this;
    }
    if (started.started().refusal() != null) {
      in.finished.tell(new Migrations.Finished(started.id(), started.started().refusal(), false, null));
      return this;
    }
    String guest = started.started().guest() == null ? null : resolver.toSerializationFormat(started.started().guest());
    replica.tell(new PlacementReplica.Place(in.spec.name(), in.to, guest, getContext().messageAdapter(PlacementReplica.Placed.class, Placed::new)));
    in.finished.tell(new Migrations.Finished(started.id(), null, in.verified, started.started().guest()));
    return this;
  }

  private Behavior<Command> onAbort(Abort abort) {
    Incoming in = incoming.remove(abort.id());
    if (in != null) {
      hosts.get(in.to).tell(new Host.Release(in.spec.name()));
    }
    return this;
  }
}
