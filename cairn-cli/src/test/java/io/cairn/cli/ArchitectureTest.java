package io.cairn.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.cairn.catalog.Catalog;
import java.time.InstantSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies (ARCHITECTURE.md): cli → service → catalog → engine, the engine
 * depending on nothing of ours, and no surface reaching into the engine's internals.
 */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.cairn");
  }

  @Test
  void theCli_doesNotReachIntoTheEnginesInternals() {
    noClasses().that().resideInAPackage("io.cairn.cli..").should().dependOnClassesThat()
        .resideInAnyPackage("io.cairn.engine.chunk..", "io.cairn.engine.index..", "io.cairn.engine.pack..",
            "io.cairn.engine.crypto..", "io.cairn.engine.tree..", "io.cairn.engine.store..", "io.cairn.engine.backup..",
            "io.cairn.engine.restore..", "io.cairn.engine.repo..")
        .because("a surface calls the services; the engine's codecs, index, packs, crypto and stores are theirs to use")
        .check(classes);
  }

  @Test
  void theCli_doesNotBuildStoresOrCatalogsItself() {
    noClasses().that().resideInAPackage("io.cairn.cli..").should().callMethod(Catalog.class, "open", String.class, InstantSource.class).because("the workspace opens the catalog").check(classes);
  }

  @Test
  void libraryCode_keepsNothingPerThreadStatically_andNeverAsksForAGarbageCollection() {
    String[] library = {"io.cairn.engine..", "io.cairn.catalog..", "io.cairn.service..", "io.cairn.policy..", "io.cairn.capture..",
        "io.cairn.schedule..", "io.cairn.recovery..", "io.cairn.report.."};
    noFields().that().areDeclaredInClassesThat().resideInAnyPackage(library).and().areStatic().should()
        .haveRawType(ThreadLocal.class)
        .because("a long-running process with many jobs would keep every thread's buffers (and key material) forever")
        .check(classes);
    noClasses().that().resideInAnyPackage(library).should().callMethod(System.class, "gc")
        .because("a full collection stops every job of a server; the surface decides (Workspace's afterBulkGarbage)")
        .check(classes);
  }

  @Test
  void theEngine_dependsOnNothingOfOurs() {
    noClasses().that().resideInAPackage("io.cairn.engine..").should().dependOnClassesThat()
        .resideInAnyPackage("io.cairn.catalog..", "io.cairn.service..", "io.cairn.cli..", "io.cairn.testkit..", "io.cairn.policy..",
            "io.cairn.capture..", "io.cairn.schedule..", "io.cairn.recovery..", "io.cairn.report..")
        .check(classes);
  }

  @Test
  void theContinuum_dependsOnTheCatalogAndTheEngine_neverOnAServiceOrASurface() {
    noClasses().that().resideInAnyPackage("io.cairn.policy..", "io.cairn.capture..", "io.cairn.schedule..", "io.cairn.recovery..",
        "io.cairn.report..").should().dependOnClassesThat().resideInAnyPackage("io.cairn.service..", "io.cairn.cli..").check(classes);
    noClasses().that().resideInAPackage("io.cairn.report..").should().dependOnClassesThat()
        .resideInAnyPackage("io.cairn.recovery..", "io.cairn.capture..")
        .because("compliance is measured from the records alone, not from the code that wrote them").check(classes);
    noClasses().that().resideInAPackage("io.cairn.policy..").should().dependOnClassesThat()
        .resideInAnyPackage("io.cairn.capture..", "io.cairn.schedule..").because("the policy is read before anything is captured").check(classes);
  }

  @Test
  void onlyTheS3Store_usesTheAwsSdk() {
    noClasses().that().resideOutsideOfPackage("io.cairn.store.s3..").should().dependOnClassesThat()
        .resideInAPackage("software.amazon..").because("the engine and the services stay free of any cloud SDK").check(classes);
  }

  @Test
  void theCatalog_dependsOnlyOnTheEngine() {
    noClasses().that().resideInAPackage("io.cairn.catalog..").should().dependOnClassesThat()
        .resideInAnyPackage("io.cairn.service..", "io.cairn.cli..", "io.cairn.policy..", "io.cairn.capture..", "io.cairn.schedule..",
            "io.cairn.recovery..", "io.cairn.report..")
        .check(classes);
  }

  @Test
  void theServices_doNotDependOnASurface() {
    noClasses().that().resideInAPackage("io.cairn.service..").should().dependOnClassesThat()
        .resideInAnyPackage("io.cairn.cli..").check(classes);
  }
}
