package clusteremu.node.datacenter.emulation;

import java.util.List;

/**
 * A host a node carries, where it sits, its VMs and their load over the last metrics interval:
 * what the node's status file reports of its datacenter.
 */
public record HostLoad(
    String name, String container, String row, String rack, int cores, double cpuUtilisation, int runnable, List<Vm> vms) {

  /** A VM on the host: {@code cpuShare} is the cores it used over the last metrics interval. */
  public record Vm(String name, String guest, int vcpus, long memoryMb, double cpuShare, long dirtyPages) {}
}
