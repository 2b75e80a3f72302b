package dev.obol.persistence;

import io.micronaut.aop.Around;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a repository: each of its methods first checks {@link DatabaseReachability}, and a failure because the database
 * cannot be reached leaves it as {@link dev.obol.domain.error.UnavailableException} (see {@link DatabaseFailures}), in a
 * unit of work or outside one. The repositories are also called outside {@link Transactions} (the reads of the stores,
 * the outbox, the API keys), so this is where their failures are classified; {@link DatabaseCallInterceptor} does it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Around
public @interface DatabaseCall {}
