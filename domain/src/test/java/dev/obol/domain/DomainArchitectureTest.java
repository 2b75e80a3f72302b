package dev.obol.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The domain is plain Java: no framework, no adapter, nothing but the JDK (house-style.md). */
class DomainArchitectureTest {

  static JavaClasses domain;

  @BeforeAll
  static void importMainClasses() {
    domain =
        new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("dev.obol.domain");
  }

  @Test
  void the_domain_depends_on_the_jdk_and_itself_only() {
    DescribedPredicate<JavaClass> primitiveOrArray =
        DescribedPredicate.describe("primitive or array types", c -> c.isPrimitive() || c.isArray());

    classes()
        .that()
        .resideInAPackage("dev.obol.domain..")
        .should()
        .onlyDependOnClassesThat(
            JavaClass.Predicates.resideInAnyPackage("java..", "dev.obol.domain..").or(primitiveOrArray))
        .check(domain);
  }

  @Test
  void only_the_services_depend_on_the_services() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.obol.domain.service..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.obol.domain.service..")
        .check(domain);
  }

  @Test
  void test_utilities_are_not_part_of_the_main_classes() {
    noClasses().should().resideInAPackage("dev.obol.domain.testing..").check(domain);
  }
}
