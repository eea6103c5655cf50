package clusteremu.node.scenario;

import clusteremu.node.datacenter.ComponentKind;
import com.typesafe.config.Config;
import java.util.List;

/**
 * One node of a scenario: one JVM, one cluster member.
 *
 * @param heap the JVM's maximum heap, as for {@code -Xmx} (e.g. {@code 256m})
 * @param machine the name of the machine it runs on, {@link Machine#LOCAL} for the one it is started on
 * @param classDataSharing whether the node JVM maps the class-data archive of earlier launches
 *     (and, until there is one, lists its classes for the next launch to make it)
 * @param settings the {@code clusteremu} block as this node sees it: the scenario's, with the
 *     node's own component overrides on top
 */
public record NodeSpec(
    String name,
    int port,
    String machine,
    String heap,
    List<ComponentKind> components,
    List<String> jvmOptions,
    boolean classDataSharing,
    Config settings) {

  /** The cluster roles of this node: one per component it carries. */
  public List<String> roles() {
    return components.stream().map(ComponentKind::configName).toList();
  }

  /** The settings block of one of this node's components, e.g. {@code app-server}. */
  public Config componentSettings(ComponentKind kind) {
    return settings.getConfig(kind.configName());
  }
}
