package clusteremu.node.status;

import clusteremu.node.datacenter.emulation.HostLoad;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;
import java.util.Map;

/**
 * What a node reports about itself and the cluster as it sees it, once a second, in {@code
 * runs/<run>/status/<node>.json}. {@code scripts/cluster up} waits on these files and {@code
 * scripts/cluster status} prints them; reading files keeps the scripts off the cluster's network.
 *
 * @param self this node's membership status (Joining, Up, Leaving, ...; Stopped once it has shut
 *     down)
 * @param members every member this node knows, with its status
 * @param sees how many of each component this node's receptionist lists across the cluster
 * @param inFlight requests each of this node's components holds right now
 * @param hosts in a datacenter, the hosts this node carries with their VMs and load; else empty
 */
public record NodeStatus(
    long ts,
    String node,
    long pid,
    String address,
    String self,
    List<String> roles,
    List<Member> members,
    List<String> unreachable,
    Map<String, Integer> sees,
    Map<String, Long> inFlight,
    List<HostLoad> hosts) {

  /** How status files are written and read: snake_case, like the metrics logs. */
  static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** One cluster member as a node sees it. */
  public record Member(String address, String status, List<String> roles) {}
}
