package dev.surveil.runner.execution;

import java.time.Duration;

/**
 * One test's result.
 *
 * @param name the test as people know it, e.g. {@code FailingTest.onePlusOneIsThree()}
 * @param status PASSED, FAILED or SKIPPED
 * @param duration how long it ran
 * @param failure for a failure, its message and trimmed stack trace; for a skip, the reason;
 *     otherwise empty
 */
public record TestCaseResult(String name, Status status, Duration duration, String failure) {
  /** The status of one test. */
  public enum Status { PASSED, FAILED, SKIPPED }
}
