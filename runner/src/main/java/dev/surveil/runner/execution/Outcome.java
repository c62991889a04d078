package dev.surveil.runner.execution;

/** How a test run ended. */
public enum Outcome {
  /** Every test passed (or the test command exited 0). */
  PASSED,
  /** At least one test failed (or the test command exited non-zero). */
  FAILED,
  /** The tests did not compile; the report holds the compiler's messages. */
  COMPILE_ERROR,
  /** The run took longer than the test timeout and was killed. */
  TIMED_OUT,
  /** The test JVM died before the run finished (e.g. a test called System.exit). */
  CRASHED,
  /** Surveil could not run the tests at all (e.g. checkout failed, no tests folder). */
  ERROR
}
