package dev.vigil.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs a test once for each PostgreSQL version the build provides, passing the version (e.g. {@code 13.23.0}). */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "PostgreSQL {0}")
@MethodSource("dev.vigil.support.TestPostgres#versions")
public @interface EachPostgresVersion {
}
