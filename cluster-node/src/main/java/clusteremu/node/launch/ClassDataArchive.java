package clusteremu.node.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The node JVMs' class-data archive (the JDK's application class-data sharing): the classes a node
 * loads, parsed and verified once and mapped from one file by every later node JVM, which starts
 * in about two thirds of the time (four nodes on two cores: ready after 10-11 s instead of 16-17 s).
 *
 * <p>It is made in two launches of one build, since an archive is only valid for the exact class
 * path it was made from: the first launch's nodes write the classes they load to lists; the next
 * launch makes the archive from those lists (one {@code java -Xshare:dump}, about ten seconds) and
 * every node from then on maps it. A build's files are named by a digest of the class path's jars
 * (with their sizes and times) and the JVM, so a rebuild starts again and never maps a stale one.
 *
 * <p>Launchers of one checkout may run at once (two machines of one cluster, two clusters): each
 * launcher's nodes write lists of their own, one launcher at a time makes the archive (a lock
 * file), and a dump the JVM refuses is not tried again for that build.
 */
public final class ClassDataArchive {
  private static final String ARCHIVE_PREFIX = "node-";
  private static final String LIST_PREFIX = "classes-";
  private static final String FAILED_PREFIX = "failed-";
  private static final String LOCK = ".lock";
  private static final String MERGED_PREFIX = "merged-";
  private static final String PART = ".jsa.part";
  private static final Duration DUMP_LIMIT = Duration.ofMinutes(3);
  /** How long a launcher waits for another that holds the lock: its dump and a margin. */
  private static final Duration LOCK_LIMIT = DUMP_LIMIT.plusSeconds(30);
  /** A list written to this recently may belong to nodes still starting: it is left for later. */
  static final Duration QUIET = Duration.ofSeconds(10);

  private final Path directory;
  private final String build;
  private final String classPath;
  private final long launcher;

  ClassDataArchive(Path directory, String build, String classPath, long launcher) {
    this.directory = directory;
    this.build = build;
    this.classPath = classPath;
    this.launcher = launcher;
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
    try {
      return Optional.of(new ClassDataArchive(jar.getParent().resolve("cds"), buildOf(classPath), classPath, ProcessHandle.current().pid()));
    } catch (IOException | RuntimeException e) {
      // Without a name for the build there is no archive to trust: the nodes start plain.
      System.err.println("clusteremu: no class-data archive for the node JVMs (cannot read the class path: " + e.getMessage() + ")");
      return Optional.empty();
    }
  }

  /** A digest of the JVM and of every class path entry's name, size and modification time. */
  static String buildOf(String classPath) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((System.getProperty("java.home") + "|" + System.getProperty("java.vm.version")).getBytes(StandardCharsets.UTF_8));
      for (String entry : classPath.split(java.io.File.pathSeparator)) {
        Path path = Path.of(entry);
        String facts = entry + "|" + (Files.exists(path) ? Files.size(path) + "|" + Files.getLastModifiedTime(path).toMillis() : "absent");
        digest.update(facts.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The archive every node maps once it is made. */
  Path archive() {
    return directory.resolve(ARCHIVE_PREFIX + build + ".jsa");
  }

  /**
   * Where a node that trains writes the classes it loads: named by its launcher too, so that two
   * launchers' nodes of one name (two clusters of one checkout) never write one file.
   */
  Path classList(String node) {
    return directory.resolve(LIST_PREFIX + build + "-" + node + "-" + launcher + ".lst");
  }

  /** Left when this build's dump failed: it is not tried again, nor are classes listed for it. */
  Path failedMarker() {
    return directory.resolve(FAILED_PREFIX + build);
  }

  /**
   * The JVM options for one node: map the archive when it is made; else, when {@code train} (a
   * launch, not a restart into a running cluster, whose lists would race the first) and this
   * build's dump has not failed for good, list the classes the node loads for the next launch to
   * archive; else none.
   */
  List<String> jvmOptions(String node, boolean train) {
    if (Files.isRegularFile(archive())) {
      return List.of("-XX:SharedArchiveFile=" + archive());
    }
    if (train && !Files.exists(failedMarker())) {
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
   * classes, makes the archive. Any failure is told and leaves the nodes to start without it; this
   * never throws, since the cluster starts either way.
   */
  void prepare(PrintStream out) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    if (Files.isRegularFile(archive())) {
      removeListsQuietly(); // written by nodes that started while the archive was being made
      return;
    }
    // One launcher at a time: another may be making the same archive right now.
    try (FileChannel lockFile = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = awaitLock(lockFile, out)) {
      if (held == null || Files.isRegularFile(archive()) || Files.exists(failedMarker())) {
        return;
      }
      removeLeftovers();
      List<Path> lists = quietListsOfThisBuild();
      if (!lists.isEmpty()) {
        make(lists, out);
      }
    } catch (IOException | RuntimeException e) {
      out.println("class-data archive: cannot make it (" + e + "); the nodes start without it");
      removeListsQuietly(); // else every launch would add lists that none can use
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.println("class-data archive: interrupted; the nodes start without it");
    }
  }

  /** The lock, once no other launcher holds it; null (and said) when it is held too long. */
  private FileLock awaitLock(FileChannel lockFile, PrintStream out) throws IOException, InterruptedException {
    FileLock held = lockFile.tryLock();
    if (held != null) {
      return held;
    }
    out.println("waiting for another launcher making the node JVMs' class-data archive (" + directory.resolve(LOCK) + ") ...");
    long deadline = System.nanoTime() + LOCK_LIMIT.toNanos();
    while ((held = lockFile.tryLock()) == null) {
      if (System.nanoTime() > deadline) {
        out.println("  still held after " + LOCK_LIMIT.toSeconds() + " s; the nodes start without the archive");
        return null;
      }
      Thread.sleep(500);
    }
    return held;
  }

  private void make(List<Path> lists, PrintStream out) throws IOException, InterruptedException {
    long start = System.nanoTime();
    out.printf("making the node JVMs' class-data archive from the classes %d node(s) loaded before (once per build, for faster start-up) ...%n", lists.size());
    DumpFailure failure = dump(lists);
    for (Path list : lists) {
      Files.deleteIfExists(list);
    }
    if (failure == null) {
      out.printf("  made %s in %.1f s%n", archive().getFileName(), (System.nanoTime() - start) / 1e9);
      try {
        removeOtherBuilds();
      } catch (IOException e) {
        out.println("  could not remove earlier builds' files from " + directory + " (" + e + ")");
      }
    } else if (failure.lasting()) {
      // The JVM refused the classes listed: lists of the same classes would fail again.
      Files.writeString(failedMarker(), failure.why() + System.lineSeparator());
      out.println("  " + failure.why() + "; the nodes start without it, and it is not tried again for this build (delete " + failedMarker() + " to try again)");
    } else {
      out.println("  " + failure.why() + "; the nodes start without it, and this launch lists their classes again");
    }
  }

  /**
   * Why a dump made no archive; {@code lasting} when the JVM itself refused (it would again on
   * the same lists), not when it was stopped, ran out of time or was killed by a signal.
   */
  private record DumpFailure(String why, boolean lasting) {}

  /** This build's lists, now that the archive is made or cannot be: nothing reads them again. */
  private void removeListsQuietly() {
    try {
      for (Path list : listsOfThisBuild()) {
        Files.deleteIfExists(list);
      }
    } catch (IOException e) {
      // Lists left behind cost disk only; the next archive of another build removes them.
    }
  }

  /** This build's lists not written to for {@link #QUIET}: those of nodes done starting. */
  private List<Path> quietListsOfThisBuild() throws IOException {
    long quietSince = System.currentTimeMillis() - QUIET.toMillis();
    List<Path> quiet = new ArrayList<>();
    for (Path list : listsOfThisBuild()) {
      if (Files.getLastModifiedTime(list).toMillis() <= quietSince) {
        quiet.add(list);
      }
    }
    return quiet;
  }

  private List<Path> listsOfThisBuild() throws IOException {
    List<Path> lists = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return lists;
    }
    try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, LIST_PREFIX + build + "-*.lst")) {
      found.forEach(lists::add);
    }
    lists.sort(null);
    return lists;
  }

  /** Runs {@code java -Xshare:dump} on the merged lists; null when the archive is made, else why not. */
  private DumpFailure dump(List<Path> lists) throws IOException, InterruptedException {
    Path merged = Files.createTempFile(directory, MERGED_PREFIX, ".lst");
    Path made = directory.resolve(ARCHIVE_PREFIX + build + PART + ProcessHandle.current().pid());
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
      boolean ended;
      try {
        ended = process.waitFor(DUMP_LIMIT.toSeconds(), TimeUnit.SECONDS);
      } finally {
        // Stopped, or out of time: the child must be gone before its files are removed.
        if (process.isAlive()) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      if (!ended) {
        return new DumpFailure("the dump took longer than " + DUMP_LIMIT.toMinutes() + " minutes (see " + log + ")", false);
      }
      int exit = process.exitValue();
      if (exit != 0) {
        // 128 and above: killed by a signal, which says nothing about the lists.
        return new DumpFailure("the dump failed with exit code " + exit + " (see " + log + ")", exit < 128);
      }
      if (!Files.isRegularFile(made)) {
        return new DumpFailure("the dump wrote no archive (see " + log + ")", false);
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
   * its node runs, and one may still run, as when another machine of the cluster starts). Newer
   * JDKs number each line ({@code id: N}), which differs between lists: the numbers go, and so do
   * classes of custom loaders ({@code source:}), whose lines refer to those numbers.
   */
  static List<String> merge(List<Path> lists) throws IOException {
    Set<String> lines = new LinkedHashSet<>();
    for (Path list : lists) {
      String text = Files.readString(list, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      for (String line : text.substring(0, end + 1).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#") && !line.contains(" source:")) {
          lines.add(NUMBERED.matcher(line).replaceFirst(""));
        }
      }
    }
    return new ArrayList<>(lines);
  }

  private static final Pattern NUMBERED = Pattern.compile("\\s+id:\\s*\\d+\\s*$");

  /** A dump's files left by a launcher that died in it; called under the lock, so no dump runs. */
  private void removeLeftovers() throws IOException {
    removeFilesNamed(name -> name.startsWith(MERGED_PREFIX) || name.contains(PART));
  }

  /** Earlier builds' archives, lists and markers: never used again, and an archive is about 90 MB. */
  private void removeOtherBuilds() throws IOException {
    removeFilesNamed(
        name -> {
          boolean ours = name.startsWith(ARCHIVE_PREFIX + build) || name.startsWith(LIST_PREFIX + build + "-") || name.equals(FAILED_PREFIX + build);
          return !ours && (name.startsWith(ARCHIVE_PREFIX) || name.startsWith(LIST_PREFIX) || name.startsWith(FAILED_PREFIX));
        });
  }

  private void removeFilesNamed(Predicate<String> doomed) throws IOException {
    try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, file -> doomed.test(file.getFileName().toString()))) {
      for (Path file : found) {
        Files.deleteIfExists(file);
      }
    }
  }
}
