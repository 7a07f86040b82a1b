package io.headroom.archtest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dependency rules of ARCHITECTURE.md and CONVENTIONS.md rules 3 and 5, enforced. */
class DependencyRulesTest {
  private static final JavaClasses HEADROOM =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.headroom");

  private static final List<String> ENGINES =
      List.of(
          "io.lettuce.",
          "com.github.benmanes.caffeine.",
          "io.github.resilience4j.",
          "io.github.bucket4j.",
          "com.zaxxer.hikari.");

  @Test
  void onlyRedisAndTheTestFixturesUseLettuce() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.headroom.redis..", "io.headroom.testkit.fixtures..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.lettuce..")
        .because("CONVENTIONS.md rule 3: Lettuce appears only through headroom-redis")
        .check(HEADROOM);
  }

  @Test
  void lightTestkitDependsOnNothingButCoreAndTheJdk() {
    classes()
        .that()
        .resideInAPackage("io.headroom.testkit")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.headroom.testkit", "io.headroom.core..", "java..", "org.jspecify..")
        .because(
            "ARCHITECTURE.md: headroom-testkit -> core, so using FakeTicker never drags Lettuce,"
                + " Testcontainers or a JDBC driver onto a user's test classpath")
        .check(HEADROOM);
  }

  @Test
  void eachEngineStaysInItsModule() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.headroom.cache..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.github.benmanes.caffeine..")
        .check(HEADROOM);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.headroom.breaker..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.github.resilience4j..")
        .check(HEADROOM);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.headroom.ratelimit..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.github.bucket4j..")
        .check(HEADROOM);
    noClasses()
        .that()
        .resideOutsideOfPackages("io.headroom.sharding..", "io.headroom.health..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.zaxxer.hikari..")
        .check(HEADROOM);
  }

  @Test
  void coreDependsOnNoOtherModuleAndOpensNoSocket() {
    noClasses()
        .that()
        .resideInAPackage("io.headroom.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.headroom.redis..",
            "io.headroom.breaker..",
            "io.headroom.cache..",
            "io.headroom.ratelimit..",
            "io.headroom.idgen..",
            "io.headroom.sharding..",
            "io.headroom.health..",
            "io.headroom.testkit..")
        .because("ARCHITECTURE.md: core -> slf4j, micrometer, jspecify")
        .check(HEADROOM);
    noClasses()
        .that()
        .resideInAPackage("io.headroom.core..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.net.Socket")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.net.ServerSocket")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.net.URLConnection")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("java.net.http..", "java.nio.channels..", "java.sql..")
        .because("ARCHITECTURE.md: nothing in core opens a socket")
        .check(HEADROOM);
  }

  @Test
  void featureModulesFollowTheModuleMap() {
    noClasses()
        .that()
        .resideInAPackage("io.headroom.redis..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.headroom.breaker..",
            "io.headroom.cache..",
            "io.headroom.ratelimit..",
            "io.headroom.idgen..",
            "io.headroom.sharding..",
            "io.headroom.health..")
        .check(HEADROOM);
    noClasses()
        .that()
        .resideInAPackage("io.headroom.breaker..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.headroom.redis..",
            "io.headroom.cache..",
            "io.headroom.ratelimit..",
            "io.headroom.sharding..",
            "io.headroom.health..")
        .check(HEADROOM);
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.headroom.cache..",
            "io.headroom.ratelimit..",
            "io.headroom.idgen..",
            "io.headroom.sharding..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.headroom.health..", "io.headroom.testkit..")
        .check(HEADROOM);
    noClasses()
        .that()
        .resideInAPackage("io.headroom.sharding..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.headroom.redis..", "io.headroom.cache..", "io.headroom.ratelimit..")
        .check(HEADROOM);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.headroom.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.headroom.testkit..", "org.junit..", "org.testcontainers..")
        .because("test fixtures never leak into published main code")
        .check(HEADROOM);
  }

  @Test
  void idgenWorksWithoutRedisOutsideItsRedisPackage() {
    noClasses()
        .that()
        .resideInAPackage("io.headroom.idgen")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.headroom.redis..", "io.headroom.idgen.redis..")
        .because("headroom-redis is an optional dependency of idgen")
        .check(HEADROOM);
  }

  @Test
  void noEngineTypeInAPublicSignatureExceptUnwrap() {
    methods()
        .that()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .resideOutsideOfPackages("..internal..", "io.headroom.testkit.fixtures..")
        .and()
        .doNotHaveName("unwrap")
        .should(notExposeEngineTypes())
        .because("CONVENTIONS.md rule 5: engines are implementation details")
        .check(HEADROOM);
  }

  private static ArchCondition<JavaMethod> notExposeEngineTypes() {
    return new ArchCondition<>(
        "not expose Lettuce, Caffeine, resilience4j, Bucket4j or Hikari types") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        if (method.getModifiers().contains(JavaModifier.SYNTHETIC)) {
          return;
        }
        check(method, method.getRawReturnType(), "returns", events);
        for (JavaClass p : method.getRawParameterTypes()) {
          check(method, p, "takes", events);
        }
      }

      private void check(JavaMethod method, JavaClass type, String verb, ConditionEvents events) {
        String name = type.getName();
        for (String engine : ENGINES) {
          if (name.startsWith(engine)) {
            events.add(
                SimpleConditionEvent.violated(
                    method, method.getFullName() + " " + verb + " engine type " + name));
          }
        }
      }
    };
  }
}
