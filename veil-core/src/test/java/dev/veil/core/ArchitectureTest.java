package dev.veil.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Layering rules checked by the build (docs/architecture.md). */
@AnalyzeClasses(packages = "dev.veil.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule coreStaysFreeOfAdapters = noClasses().that().resideInAPackage("dev.veil.core..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.javalin..", "org.apache.flink..",
                    "ch.qos.logback..", "org.apache.logging.log4j..", "org.slf4j..", "picocli..")
            .because("veil-core is the engine every adapter calls; adapters depend on it, never the reverse");

    @ArchTest
    static final ArchRule onlyKeysTouchKeyMaterial = noClasses().that().resideInAPackage("dev.veil.core..")
            .and().resideOutsideOfPackage("dev.veil.core.keys..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.crypto.tink..", "javax.crypto..",
                    "org.bouncycastle..")
            .because("key material is handled in dev.veil.core.keys only");

    @ArchTest
    static final ArchRule noBacktrackingRegexOnData = noClasses().that().resideInAnyPackage("dev.veil.core.detect..",
                    "dev.veil.core.codec..", "dev.veil.core.action..", "dev.veil.core.classify..")
            // the one exception: libphonenumber's own patterns on a national number of at most 19 digits (its Javadoc)
            .and().haveNameNotMatching("dev\\.veil\\.core\\.detect\\.PhoneRules(\\$.*)?")
            .should().dependOnClassesThat().haveFullyQualifiedName("java.util.regex.Pattern")
            .because("input data is only matched by RE2J or hand-written linear scanners");
}
