package dev.surveil.runner.execution;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jars (or folders) the runner ships to compile and run a repository's tests: JUnit Jupiter,
 * the JUnit Platform Launcher and {@link TestJvmMain}. They are found from where this JVM loaded
 * one class of each, not from {@code java.class.path}, so the same code works from the shaded
 * jar (one entry), from {@code target/classes} and under Surefire's manifest-only jar.
 * Stateless and thread-safe.
 */
final class TestClasspath {
  private static final Logger log = LoggerFactory.getLogger(TestClasspath.class);

  /** One class from each artifact the tests need, at compile time or at run time. */
  private static final List<String> ANCHORS = List.of(
      "dev.surveil.runner.execution.TestJvmMain",
      "org.junit.jupiter.api.Test",
      "org.junit.jupiter.params.ParameterizedTest",
      "org.junit.jupiter.engine.JupiterTestEngine",
      "org.junit.platform.launcher.Launcher",
      "org.junit.platform.engine.TestEngine",
      "org.junit.platform.commons.PreconditionViolationException",
      "org.opentest4j.AssertionFailedError",
      "org.apiguardian.api.API");

  private TestClasspath() {}

  /** The entries, without duplicates, in a stable order. */
  static List<Path> entries() {
    Set<Path> entries = new LinkedHashSet<>();
    ClassLoader loader = TestClasspath.class.getClassLoader();
    for (String anchor : ANCHORS) {
      try {
        CodeSource source = Class.forName(anchor, false, loader).getProtectionDomain()
            .getCodeSource();
        if (source != null && source.getLocation() != null) {
          entries.add(Path.of(source.getLocation().toURI()));
        }
      } catch (ClassNotFoundException | URISyntaxException | IllegalArgumentException e) {
        log.warn("cannot locate a class the tests need class={} error={}", anchor, e.toString());
      }
    }
    return List.copyOf(entries);
  }
}
