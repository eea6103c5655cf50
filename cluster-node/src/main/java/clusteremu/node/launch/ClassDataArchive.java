package clusteremu.node.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The node JVMs' class-data archive (the JDK's application class-data sharing): the classes a node
 * loads, parsed and verified once and mapped from one file by every later node JVM, which starts
 * in about two thirds of the time (four nodes on two cores: ready after 12 s instead of 20 s).
 *
 * <p>It is made in two launches of one build, since an archive is only valid for the exact class
 * path it was made from: the first launch's nodes write the classes they load to lists; the next
 * launch makes the archive from those lists (one {@code java -Xshare:dump}, about ten seconds) and
 * every node from then on maps it. A build's files are named by a digest of the class path's jars
 * (with their sizes and times) and the JVM, so a rebuild starts again and never maps a stale one.
 */
public final class ClassDataArchive {
  private static final String ARCHIVE_PREFIX = "node-";
  private static final String LIST_PREFIX = "classes-";
  private static final Duration DUMP_LIMIT = Duration.ofMinutes(3);

  private final Path directory;
  private final String build;
  private final String classPath;

  ClassDataArchive(Path directory, String build, String classPath) {
    this.directory = directory;
    this.build = build;
    this.classPath = classPath;
  }

  /**
   * This build's archive, in {@code cds/} beside the node's jar; empty when the code runs from a
   * directory of classes (as unit tests do), which class-data sharing cannot archive.
   */
  public static Optional<ClassDataArchive> ofThisBuild() {
    return ThisBuild.ARCHIVE;
  }

  /** Found once per JVM: the jars do not change under a running launcher. */
  private static final class ThisBuild {
    static final Optional<ClassDataArchive> ARCHIVE = find();
  }

  private static Optional<ClassDataArchive> find() {
    Path jar;
    try {
      jar = Path.of(ClassDataArchive.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(jar)) {
      return Optional.empty();
    }
    String classPath = System.getProperty("java.class.path");
    return Optional.of(new ClassDataArchive(jar.getParent().resolve("cds"), buildOf(classPath), classPath));
  }

  /** A digest of the JVM and of every class path entry's name, size and modification time. */
  static String buildOf(String classPath) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((System.getProperty("java.home") + "|" + System.getProperty("java.vm.version")).getBytes(StandardCharsets.UTF_8));
      for (String entry : classPath.split(java.io.File.pathSeparator)) {
        Path path = Path.of(entry);
        String facts = entry + "|" + (Files.exists(path) ? Files.size(path) + "|" + Files.getLastModifiedTime(path).toMillis() : "absent");
        digest.update(facts.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 6);
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException("cannot name this build's class-data archive", e);
    }
  }

  /** The archive every node maps once it is made. */
  Path archive() {
    return directory.resolve(ARCHIVE_PREFIX + build + ".jsa");
  }

  /** Where a node that trains writes the classes it loads. */
  Path classList(String node) {
    return directory.resolve(LIST_PREFIX + build + "-" + node + ".lst");
  }

  /**
   * The JVM options for one node: map the archive when it is made; else, when {@code train} (a
   * launch, not a restart into a running cluster, whose lists would race the first), list the
   * classes the node loads for the next launch to archive; else none.
   */
  List<String> jvmOptions(String node, boolean train) {
    if (Files.isRegularFile(archive())) {
      return List.of("-XX:SharedArchiveFile=" + archive());
    }
    if (train) {
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        return List.of();
      }
      return List.of("-XX:DumpLoadedClassList=" + classList(node));
    }
    return List.of();
  }

  /**
   * Before a launch: when there is no archive of this build but its nodes have listed their
   * classes, makes the archive. Any failure is told and leaves the nodes to start without it.
   */
  void prepare(PrintStream out) {
    if (Files.isRegularFile(archive())) {
      return;
    }
    List<Path> lists = listsOfThisBuild();
    if (lists.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    out.printf("making the node JVMs' class-data archive from the classes %d node(s) loaded before (once per build, for faster start-up) ...%n", lists.size());
    try {
      String failure = dump(lists);
      if (failure == null) {
        out.printf("  made %s in %.1f s%n", archive().getFileName(), (System.nanoTime() - start) / 1e9);
        removeOtherBuilds();
      } else {
        out.println("  " + failure + "; the nodes start without it, and this launch lists their classes again");
        for (Path list : lists) {
          Files.deleteIfExists(list);
        }
      }
    } catch (IOException e) {
      out.println("  cannot make it (" + e.getMessage() + "); the nodes start without it");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private List<Path> listsOfThisBuild() {
    List<Path> lists = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return lists;
    }
    try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, LIST_PREFIX + build + "-*.lst")) {
      found.forEach(lists::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lists.sort(null);
    return lists;
  }

  /** Runs {@code java -Xshare:dump} on the merged lists; null when the archive is made, else why not. */
  private String dump(List<Path> lists) throws IOException, InterruptedException {
    Path merged = Files.createTempFile(directory, "merged-", ".lst");
    Path made = directory.resolve(ARCHIVE_PREFIX + build + ".jsa.part" + ProcessHandle.current().pid());
    Path log = directory.resolve("dump.log");
    try {
      Files.write(merged, merge(lists));
      ProcessBuilder builder =
          new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xshare:dump",
              "-XX:SharedClassListFile=" + merged,
              "-XX:SharedArchiveFile=" + made);
      // The same class path, in the same form, as the nodes get (NodeProcesses): the archive
      // records it and a node maps it only when its own matches.
      builder.environment().put("CLASSPATH", classPath);
      Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(DUMP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "the dump took longer than " + DUMP_LIMIT.toMinutes() + " minutes (see " + log + ")";
      }
      if (process.exitValue() != 0 || !Files.isRegularFile(made)) {
        return "the dump failed with exit code " + process.exitValue() + " (see " + log + ")";
      }
      // A node maps the archive by its final name only once it is whole.
      Files.move(made, archive(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return null;
    } finally {
      Files.deleteIfExists(merged);
      Files.deleteIfExists(made);
    }
  }

  /**
   * One list of every class the nodes listed, each once, in the order first listed. A list's last
   * line without its newline is left out: that node was still writing it (a list is written as
   * its node runs, and one may still run, as when another machine of the cluster starts).
   */
  static List<String> merge(List<Path> lists) throws IOException {
    Set<String> lines = new LinkedHashSet<>();
    for (Path list : lists) {
      String text = Files.readString(list, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      for (String line : text.substring(0, end + 1).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          lines.add(line);
        }
      }
    }
    return new ArrayList<>(lines);
  }

  /** Earlier builds' archives and lists: never mapped again, and an archive is about 90 MB. */
  private void removeOtherBuilds() throws IOException {
    try (DirectoryStream<Path> found = Files.newDirectoryStream(directory)) {
      for (Path file : found) {
        String name = file.getFileName().toString();
        boolean ours = name.startsWith(ARCHIVE_PREFIX + build) || name.startsWith(LIST_PREFIX + build + "-");
        if (!ours && (name.startsWith(ARCHIVE_PREFIX) || name.startsWith(LIST_PREFIX))) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
