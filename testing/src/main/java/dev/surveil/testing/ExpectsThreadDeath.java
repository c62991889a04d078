package dev.surveil.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test (method or class) that makes a thread die from an uncaught exception on purpose,
 * to check how the death is handled (logged, fatal): {@link ThreadCheck} then does not fail it
 * for that death. Leaked threads still fail it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ExpectsThreadDeath {
  /** Why the test kills a thread, for the reader. */
  String value();
}
