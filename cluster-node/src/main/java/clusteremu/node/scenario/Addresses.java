package clusteremu.node.scenario;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** What can be told of a node's address without asking DNS. */
final class Addresses {
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  private Addresses() {}

  /**
   * {@code localhost}, 127.0.0.0/8 and ::1 are loopback; any other name counts as beyond it, since
   * only an IP literal can be judged here (a name is not resolved while a scenario is read).
   */
  static boolean loopback(String address) {
    if (address.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!IPV4.matcher(address).matches() && !address.contains(":")) {
      return false;
    }
    try {
      // An IP literal: InetAddress parses it without a lookup.
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
