package clusteremu.node.scenario;

import java.nio.file.Path;

/**
 * A real machine that some of a scenario's nodes run on (README, "Across machines"). Nodes without
 * one run on the machine they are started on, at {@code clusteremu.hostname}: the scenario's
 * {@link #LOCAL} machine.
 *
 * @param name the name {@code scripts/cluster up --machine} takes; empty for the local machine
 * @param address what the machine's nodes bind to and the others dial: an IP address or a DNS name
 * @param keyStore the key store of the machine's nodes, whose certificate names {@code address};
 *     null when TLS is off
 */
public record Machine(String name, String address, Path keyStore) {

  /** The name of the machine of nodes that name none. */
  public static final String LOCAL = "";

  /** Whether the address is loopback, told from the address alone (a DNS name is not looked up). */
  public boolean loopback() {
    return Addresses.loopback(address);
  }

  /** The name as users read it: the local machine is "this machine". */
  public String displayName() {
    return name.isEmpty() ? "(this machine)" : name;
  }
}
