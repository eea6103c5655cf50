package clusteremu.node.migration;

import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.tiers.settings.ConfigNamed;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a migration request must say, checked before anything moves, and the settings it gives. */
public final class MigrationRequests {
  /** A batch with real contents at most: half of Artery's 2 MiB large frame, leaving room for the rest. */
  static final long MAX_REAL_BATCH_BYTES = 1 << 20;

  private MigrationRequests() {}

  /** Why {@code request} cannot run, naming the field; empty when it can. */
  public static Optional<String> check(Migrations.Request request, Topology topology, Placement placement) {
    if (request.vm() == null || request.vm().isBlank()) {
      return Optional.of("vm: expected the name of a VM, one of " + topology.vms().keySet());
    }
    if (!topology.vms().containsKey(request.vm())) {
      return Optional.of("vm: no VM '" + request.vm() + "'; expected one of " + topology.vms().keySet());
    }
    if (request.to() == null || !topology.hosts().containsKey(request.to())) {
      return Optional.of("to: no host '" + request.to() + "'; expected one of " + topology.hosts().keySet());
    }
    String from = placement.hostOf(request.vm());
    if (from == null) {
      return Optional.of("vm: VM " + request.vm() + " is down with its host (crash-host); recover the host first");
    }
    if (request.to().equals(from)) {
      return Optional.of("to: VM " + request.vm() + " already runs on host " + from + "; expected another host");
    }
    Optional<Strategy> strategy = strategy(request.strategy());
    if (strategy.isEmpty()) {
      return Optional.of("strategy: '" + request.strategy() + "'; expected one of " + names());
    }
    if (request.maxDowntimeMs() <= 0) {
      return Optional.of("max_downtime_ms: expected milliseconds above zero, got " + request.maxDowntimeMs());
    }
    if (request.maxRounds() < 1) {
      return Optional.of("max_rounds: expected at least 1, got " + request.maxRounds());
    }
    long batchBytes = MigrationSettings.DEFAULT_BATCH_PAGES * topology.pageBytes();
    if (request.realContents() && batchBytes > MAX_REAL_BATCH_BYTES) {
      return Optional.of(
          "contents: real contents need pages of at most " + (MAX_REAL_BATCH_BYTES / MigrationSettings.DEFAULT_BATCH_PAGES >> 10)
              + " KiB (a batch of " + MigrationSettings.DEFAULT_BATCH_PAGES + " must fit Artery's large frame); this scenario's page-size is "
              + (topology.pageBytes() >> 10) + " KiB");
    }
    if (!(request.bandwidthBytesPerSecond() > 0)) {
      return Optional.of("bandwidth: expected bytes per second above zero, got " + request.bandwidthBytesPerSecond());
    }
    return Optional.empty();
  }

  /** The settings of a request that passed {@link #check}. */
  public static MigrationSettings settings(Migrations.Request request) {
    return new MigrationSettings(
        strategy(request.strategy()).orElseThrow(),
        Duration.ofMillis(request.maxDowntimeMs()),
        request.maxRounds(),
        request.bandwidthBytesPerSecond(),
        request.autoConverge(),
        MigrationSettings.DEFAULT_BATCH_PAGES,
        MigrationSettings.DEFAULT_EXECUTION_STATE_BYTES,
        request.realContents());
  }

  static Optional<Strategy> strategy(String name) {
    return Arrays.stream(Strategy.values()).filter(s -> s.configName().equals(name)).findFirst();
  }

  static String names() {
    return Arrays.stream(Strategy.values()).map(ConfigNamed::configName).collect(Collectors.joining(", "));
  }
}
