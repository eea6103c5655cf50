package clusteremu.node.scenario;

import java.util.regex.Pattern;

/** What can be told of a node's address without asking DNS: whether it is one, and whether it is loopback. */
final class Addresses {
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  private static final Pattern HOST_NAME = Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private Addresses() {}

  /**
   * An IPv4 address or a host name. IPv6 is refused for now: Pekko's addresses, the control API's
   * URL and the status files would each need its brackets.
   */
  static boolean valid(String address) {
    return IPV4.matcher(address).matches() || (HOST_NAME.matcher(address).matches() && !address.matches("[0-9.]+"));
  }

  /**
   * {@code localhost} and 127.0.0.0/8 are loopback; any other name counts as beyond it, since only
   * an IP literal can be judged here (a name is not resolved while a scenario is read).
   */
  static boolean loopback(String address) {
    return address.equalsIgnoreCase("localhost") || (IPV4.matcher(address).matches() && address.startsWith("127."));
  }
}
