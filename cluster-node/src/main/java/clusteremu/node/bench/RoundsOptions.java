package clusteremu.node.bench;

import picocli.CommandLine.Option;

/** The options of a benchmark that interleaves its variants over rounds of a closed loop. */
final class RoundsOptions {
  @Option(names = "--users", defaultValue = "256", description = "Requests kept in flight (closed loop, no think time). Default: ${DEFAULT-VALUE}.")
  int users;

  @Option(names = "--warmup", defaultValue = "40", description = "Seconds of warm-up, spread over all variants (the JIT needs 30-40 s). Default: ${DEFAULT-VALUE}.")
  int warmupSeconds;

  @Option(names = "--measure", defaultValue = "5", description = "Seconds each variant is measured per round. Default: ${DEFAULT-VALUE}.")
  int measureSeconds;

  @Option(names = "--rounds", defaultValue = "5", description = "Rounds; each measures every variant once. Default: ${DEFAULT-VALUE}.")
  int rounds;

  /** The scripts check the options with this before they start a cluster, so bad ones start nothing. */
  @Option(names = "--check-options", hidden = true, description = "Only check the options, then exit (0 good, 2 bad).")
  boolean checkOnly;

  /** What is wrong with the options, or null. */
  String problem() {
    return users <= 0 || warmupSeconds < 0 || measureSeconds <= 0 || rounds <= 0
        ? "--users, --measure and --rounds must be above zero and --warmup zero or more"
        : null;
  }
}
