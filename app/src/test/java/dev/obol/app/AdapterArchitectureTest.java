package dev.obol.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Adapters depend on the domain, never on each other; only the app wires them together (house-style.md). */
class AdapterArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages("dev.obol");
  }

  @Test
  void theStripeAdapterKnowsNoOtherAdapter() {
    noClasses()
        .that()
        .resideInAPackage("dev.obol.stripe..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.obol.persistence..", "dev.obol.grpc..", "dev.obol.app..", "dev.obol.proto..")
        .check(classes);
  }

  @Test
  void thePersistenceAndGrpcAdaptersKnowNoOtherAdapter() {
    noClasses()
        .that()
        .resideInAPackage("dev.obol.persistence..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.obol.stripe..", "dev.obol.grpc..", "dev.obol.app..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.obol.grpc..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.obol.stripe..", "dev.obol.persistence..", "dev.obol.app..")
        .check(classes);
  }

  @Test
  void theDomainKnowsNoAdapter() {
    noClasses()
        .that()
        .resideInAPackage("dev.obol.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.obol.stripe..", "dev.obol.persistence..", "dev.obol.grpc..", "dev.obol.app..")
        .check(classes);
  }
}
