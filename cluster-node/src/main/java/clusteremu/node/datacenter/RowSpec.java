package clusteremu.node.datacenter;

import java.util.List;

/**
 * A row of racks behind one aggregation switch.
 *
 * @param container the container the row belongs to, or empty (a label: containers add no link)
 * @param uplink the link between the aggregation switch and the core
 */
public record RowSpec(String name, String container, LinkSpec uplink, List<String> racks) {}
