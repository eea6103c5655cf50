package clusteremu.node.run;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One component as the run placed it: its name (its VM's, as metrics and status name it), the
 * node JVM and host it ran on, the cores it had (its node's {@code cores} or its VM's vCPUs) and
 * the settings it was built with. The kind is the JSON's {@code kind}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = RecordedDispatcher.class, name = "dispatcher"),
  @JsonSubTypes.Type(value = RecordedAppServer.class, name = "app-server"),
  @JsonSubTypes.Type(value = RecordedDataServer.class, name = "data-server")
})
public sealed interface RecordedComponent permits RecordedDispatcher, RecordedAppServer, RecordedDataServer {
  String name();

  String node();

  String host();

  int cores();
}
