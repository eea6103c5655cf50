package clusteremu.node.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two Linux network namespaces joined by a veth pair: two "machines" on one, each with addresses
 * of its own that only the other can reach. Made by the test that needs them (root only), and
 * removed by {@link #close()}, pass or fail; the names carry this JVM's PID so that two runs
 * never share them.
 */
final class Namespaces implements AutoCloseable {
  final String a;
  final String b;
  /** A /24 of 10.213.0.0/16 picked by PID: {@code <net>.1} is in a, {@code <net>.2} and {@code <net>.3} in b. */
  final String net;

  private final String veth;

  private Namespaces(String a, String b, String net, String veth) {
    this.a = a;
    this.b = b;
    this.net = net;
    this.veth = veth;
  }

  /** Why namespaces cannot be made here, or null when they can. */
  static String unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "network namespaces need root (the test runs as " + System.getProperty("user.name") + ")";
    }
    try {
      if (run(List.of("ip", "netns", "list")) != 0) {
        return "`ip netns list` failed: no iproute2 or no namespace support";
      }
    } catch (IOException e) {
      return "no `ip` command (iproute2): " + e.getMessage();
    }
    return null;
  }

  static Namespaces create() throws IOException {
    long pid = ProcessHandle.current().pid();
    String vethA = "cea" + pid % 100000;
    Namespaces ns = new Namespaces("cemu-a-" + pid, "cemu-b-" + pid, "10.213." + (20 + pid % 200), vethA);
    String vethB = "ceb" + pid % 100000;
    try {
      must("ip", "netns", "add", ns.a);
      must("ip", "netns", "add", ns.b);
      must("ip", "link", "add", vethA, "type", "veth", "peer", "name", vethB);
      must("ip", "link", "set", vethA, "netns", ns.a);
      must("ip", "link", "set", vethB, "netns", ns.b);
      must("ip", "-n", ns.a, "addr", "add", ns.address(1) + "/24", "dev", vethA);
      must("ip", "-n", ns.b, "addr", "add", ns.address(2) + "/24", "dev", vethB);
      must("ip", "-n", ns.b, "addr", "add", ns.address(3) + "/24", "dev", vethB);
      for (String name : List.of(ns.a, ns.b)) {
        must("ip", "-n", name, "link", "set", "lo", "up");
      }
      must("ip", "-n", ns.a, "link", "set", vethA, "up");
      must("ip", "-n", ns.b, "link", "set", vethB, "up");
      return ns;
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  String address(int host) {
    return net + "." + host;
  }

  /** The command prefix that runs a program inside namespace {@code name}. */
  static List<String> inside(String name) {
    return List.of("ip", "netns", "exec", name);
  }

  /**
   * Deletes both namespaces (the veth pair goes with them), and the pair itself if it never left
   * this namespace (a failure half-way through {@link #create()}). Their processes must be stopped first.
   */
  @Override
  public void close() {
    try {
      run(List.of("ip", "link", "delete", veth)); // fails, harmlessly, once the pair is in the namespaces
    } catch (IOException e) {
      System.out.println("could not delete " + veth + ": " + e.getMessage());
    }
    for (String name : List.of(a, b)) {
      try {
        run(List.of("ip", "netns", "delete", name));
      } catch (IOException e) {
        System.out.println("could not delete network namespace " + name + ": " + e.getMessage());
      }
    }
  }

  private static void must(String... command) throws IOException {
    if (run(List.of(command)) != 0) {
      throw new IOException("failed: " + String.join(" ", command));
    }
  }

  private static int run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
