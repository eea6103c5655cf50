package clusteremu.node.datacenter;

/**
 * A physical host in a rack.
 *
 * @param link the link between the host and its top-of-rack switch
 */
public record HostSpec(String name, String row, String rack, int cores, long memoryBytes, LinkSpec link) {}
