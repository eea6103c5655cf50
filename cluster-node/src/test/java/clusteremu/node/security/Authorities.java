package clusteremu.node.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Two certificate authorities and the node stores the tests share, made with the real {@code
 * scripts/certs} once per test JVM (about 10 s of keytool) in a temporary folder that is removed
 * when the JVM exits. Authority {@code a}: {@code seed} (127.0.0.1), {@code member} (127.0.0.1 and
 * localhost), {@code old} (127.0.0.1, expired two days ago). Authority {@code b}: {@code stranger}
 * (127.0.0.1).
 */
public final class Authorities {
  public final Path a;
  public final Path b;

  private static Authorities made;

  private Authorities(Path home) {
    this.a = home.resolve("a");
    this.b = home.resolve("b");
  }

  public static synchronized Authorities made() {
    if (made == null) {
      try {
        Path home = Files.createTempDirectory("clusteremu-certs");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(home)));
        Authorities authorities = new Authorities(home);
        CertsScript.make("init", authorities.a.toString());
        CertsScript.make("init", authorities.b.toString());
        CertsScript.make("node", authorities.a.toString(), "seed", "--address", "127.0.0.1");
        CertsScript.make("node", authorities.a.toString(), "member", "--address", "127.0.0.1", "--address", "localhost");
        CertsScript.make("node", authorities.a.toString(), "old", "--address", "127.0.0.1", "--start-date", "-3d", "--days", "1");
        CertsScript.make("node", authorities.b.toString(), "stranger", "--address", "127.0.0.1");
        made = authorities;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return made;
  }

  /** A node's stores as scripts/certs lays them out: DIR/NAME.p12, DIR/trust.p12, DIR/password. */
  public static TlsStores stores(Path dir, String node) {
    return new TlsStores(dir.resolve(node + ".p12"), dir.resolve("trust.p12"), dir.resolve("password"));
  }

  private static void delete(Path home) {
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind is no reason to fail the build.
    }
  }
}
