package dev.surveil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surveil.cli.SurveilVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every program's command line does the same way, checked the same way for each: a test
 * class of a program's command implements this interface (JUnit runs its default methods) and
 * says how to make the command. Implementations must not share state between runs.
 */
public interface CommandLineContract {
  /** A new instance of the program's command, as its {@code main} makes it. */
  Object newCommand();

  /**
   * The arguments the program cannot do without (a required parameter or option, with any
   * value), so that a test of one bad option sees the error about that option; none by default.
   */
  default List<String> requiredArguments() {
    return List.of();
  }

  /** Runs a new command with {@code args} in this process. */
  default ProgramRun run(String... args) {
    return ProgramRun.of(newCommand(), args);
  }

  /** Runs a new command with {@code args} and then the {@link #requiredArguments()}. */
  default ProgramRun runWithRequired(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(requiredArguments());
    return run(all.toArray(String[]::new));
  }

  @Test
  default void versionIsTheOneTheBuildGave() {
    // surefire passes the pom's version; a run from the IDE has only what the build wrote
    String expected = System.getProperty("surveil.version", SurveilVersion.version());
    ProgramRun run = run("--version");

    assertEquals("Surveil " + expected + System.lineSeparator(), run.out());
    assertTrue(expected.matches("\\d+\\.\\d+\\.\\d+.*"), expected);
    assertEquals(0, run.exitCode());
    assertEquals("", run.err());
  }

  @Test
  default void unknownOptionIsOneLineThenTheUsageAndExitCode2() {
    runWithRequired("--no-such-option").assertUsageError("Unknown option: '--no-such-option'");
  }
}
