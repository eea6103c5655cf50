package clusteremu.node.config;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The schema walker knows configuration files, not what they configure: every loader may use it
 * without a cycle, and it cannot come to depend on a loader's types.
 */
class ConfigPackageTest {
  @Test
  void dependsOnNothingOfClusteremuButTheSettingsHelpers() {
    classes()
        .that()
        .resideInAPackage("clusteremu.node.config")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("clusteremu.node.config", "clusteremu.tiers.settings", "java..", "com.typesafe.config..")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("clusteremu.node.config"));
  }
}
