package clusteremu.node;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packages of both modules form a graph without cycles, so a reader can tell which way the
 * data flows; and ARCHITECTURE.md, which lists them from the bottom up, stays true to the code.
 */
class PackageGraphTest {

  private static final JavaClasses MAIN_CODE =
      new ClassFileImporter()
          // The tiers module is a jar on this classpath under `verify`, and classes under `test`.
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("clusteremu");

  /** A package as ARCHITECTURE.md names it: "- `node.fault` — ...". */
  private static final Pattern LISTED = Pattern.compile("^- `((?:node|tiers)(?:\\.[a-z]+)*)` — ", Pattern.MULTILINE);

  @Test
  void packagesDependOnEachOtherWithoutCycles() {
    // Every package is its own slice: a subpackage and its parent that use each other are a cycle too.
    slices().matching("clusteremu.(**)").should().beFreeOfCycles().check(MAIN_CODE);
  }

  @Test
  void architectureListsEveryPackageBelowThoseThatUseIt() throws IOException {
    List<String> listed = new ArrayList<>();
    Matcher m = LISTED.matcher(Files.readString(Path.of("..", "ARCHITECTURE.md")));
    while (m.find()) {
      listed.add("clusteremu." + m.group(1));
    }
    TreeSet<String> packages = new TreeSet<>();
    MAIN_CODE.forEach(c -> packages.add(c.getPackageName()));
    assertTrue(packages.contains("clusteremu.tiers.protocol"), "both modules' classes were found: " + packages);
    assertEquals(packages, new TreeSet<>(listed), "the packages ARCHITECTURE.md lists");

    List<String> upwards = new ArrayList<>();
    for (JavaClass type : MAIN_CODE) {
      for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
        String from = type.getPackageName();
        String to = dependency.getTargetClass().getPackageName();
        if (!from.equals(to) && listed.contains(to) && listed.indexOf(to) > listed.indexOf(from)) {
          upwards.add(from + " uses " + to + " (" + dependency.getDescription() + ")");
        }
      }
    }
    assertEquals(List.of(), upwards.stream().distinct().limit(10).toList(), "a package that uses one listed after it in ARCHITECTURE.md");
  }

  @Test
  void readmesCodeLayoutNamesEveryPackage() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String layout = readme.substring(readme.indexOf("## Code layout"), readme.indexOf("## Tests"));
    TreeSet<String> missing = new TreeSet<>();
    for (JavaClass type : MAIN_CODE) {
      String path = type.getPackageName().replace("clusteremu.", "").replace('.', '/');
      if (path.contains("/") && !layout.contains(".../" + path + " ")) {
        missing.add(".../" + path);
      }
    }
    assertEquals(new TreeSet<>(), missing, "packages README's code layout does not name");
  }
}
