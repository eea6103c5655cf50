package clusteremu.node.datacenter;

import java.util.List;

/**
 * A rack of hosts behind one top-of-rack switch.
 *
 * @param uplink the link between the top-of-rack switch and its row's aggregation switch
 */
public record RackSpec(String name, String row, LinkSpec uplink, List<String> hosts) {}
