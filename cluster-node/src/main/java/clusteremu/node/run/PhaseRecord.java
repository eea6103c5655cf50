package clusteremu.node.run;

/**
 * What {@code phases.json} says of one phase of a run: its name and folder, its mode and policy
 * (null: as the dispatchers had it), what it offered, and its measured window in epoch ms.
 */
public record PhaseRecord(
    String name,
    String dir,
    String mode,
    String policy,
    double rate,
    int users,
    long measuredFrom,
    long measuredTo,
    boolean interrupted) {}
