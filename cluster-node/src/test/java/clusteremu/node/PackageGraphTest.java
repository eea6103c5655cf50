package clusteremu.node;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages of both modules form a graph without cycles, so a reader can tell which way the
 * data flows (ARCHITECTURE.md draws it). Every package is its own slice: a subpackage that
 * depends on its parent while the parent depends on it is a cycle too.
 */
class PackageGraphTest {

  private static final JavaClasses MAIN_CODE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("clusteremu");

  @Test
  void packagesDependOnEachOtherWithoutCycles() {
    slices().matching("clusteremu.(**)").should().beFreeOfCycles().check(MAIN_CODE);
  }
}
