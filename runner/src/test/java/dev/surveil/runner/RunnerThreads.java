package dev.surveil.runner;

import dev.surveil.testing.LiveThreads;
import java.time.Duration;

/**
 * Checks that the runner's own threads are gone, as {@code close()} promises, with the shared
 * {@link LiveThreads}; kept for the tests that call it by this name. Stateless.
 */
final class RunnerThreads {
  private static final String[] PREFIXES = {"runner-accept", "runner-conn", "runner-test",
      "runner-dispatcher-link"};

  private RunnerThreads() {}

  /** Waits up to 5 seconds for every runner thread to end. */
  static void awaitNoneAlive() {
    LiveThreads.awaitNoneNamed(Duration.ofSeconds(5), PREFIXES);
  }
}
