package dev.surveil.runner;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Checks that the runner's own threads are gone, as {@code close()} promises. Stateless. */
final class RunnerThreads {
  private static final List<String> PREFIXES = List.of("runner-accept", "runner-conn",
      "runner-test", "runner-dispatcher-link");

  private RunnerThreads() {}

  /** Waits up to 5 seconds for every runner thread to end. */
  static void awaitNoneAlive() {
    await("runner threads to end").atMost(Duration.ofSeconds(5))
        .until(() -> alive().isEmpty());
  }

  static List<String> alive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> PREFIXES.stream().anyMatch(name::startsWith))
        .collect(Collectors.toList());
  }
}
