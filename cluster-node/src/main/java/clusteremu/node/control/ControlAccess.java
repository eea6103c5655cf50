package clusteremu.node.control;

import clusteremu.node.scenario.Machine;
import clusteremu.node.scenario.Scenario;
import clusteremu.node.security.BearerToken;
import javax.net.ssl.SSLContext;

/**
 * Where the control API listens and what it asks of a client. On loopback: plain HTTP on
 * 127.0.0.1, no token, as only this machine can reach it. When its node binds beyond loopback:
 * HTTPS on that node's address with the node's certificate, and a bearer token on every request,
 * since anyone on the network could reach it there (README, "Across machines").
 *
 * @param address what the server binds to and a client dials
 * @param tls the context the server serves HTTPS with, or a client trusts it by; null: plain HTTP
 * @param token the bearer token every request must carry; null: none
 */
public record ControlAccess(String address, SSLContext tls, String token) {

  /** Plain HTTP on loopback, as a scenario whose nodes all bind to loopback has it. */
  public static final ControlAccess LOOPBACK = new ControlAccess("127.0.0.1", null, null);

  /**
   * The control API of {@code scenario}, served by its control node or reached from a member on
   * {@code from} (whose stores prove and check identities).
   */
  public static ControlAccess of(Scenario scenario, Machine from) {
    Machine served = scenario.machineOf(scenario.controlNode());
    if (served.loopback()) {
      return LOOPBACK;
    }
    return new ControlAccess(served.address(), scenario.tlsStores(from).sslContext(), BearerToken.readToken(scenario.security().tokenFile()));
  }

  public boolean secured() {
    return tls != null;
  }

  /** The API's root, e.g. {@code https://10.0.0.1:8558}. */
  public String url(int port) {
    String host = address.contains(":") ? "[" + address + "]" : address;
    return (secured() ? "https://" : "http://") + host + ":" + port;
  }
}
