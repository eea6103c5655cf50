package clusteremu.node.datacenter;

import com.typesafe.config.Config;
import java.util.Optional;

/**
 * A virtual machine placed on a host.
 *
 * @param pages memory in pages of the datacenter's page size
 * @param guest the tier component it runs, or empty for a VM that only holds memory and vCPUs
 * @param guestSettings the guest's settings block (the scenario's, with the VM's own on top)
 * @param backgroundDirtyRate pages per second the rest of the guest writes, besides its data
 * @param hotSetPages how many pages those background writes fall on
 */
public record VmSpec(
    String name,
    String host,
    int vcpus,
    long memoryBytes,
    long pages,
    Optional<ComponentKind> guest,
    Config guestSettings,
    double backgroundDirtyRate,
    long hotSetPages) {}
