package clusteremu.node.cli;

import picocli.CommandLine.Command;

@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Start, inspect and stop the JVMs of a scenario. Runs live under $CLUSTEREMU_RUNS (default runs/).",
    subcommands = {ClusterUp.class, ClusterStatus.class, ClusterDown.class, ClusterStart.class})
final class ClusterCommand {}
