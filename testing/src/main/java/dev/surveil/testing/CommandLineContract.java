package dev.surveil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surveil.cli.PortConverter;
import dev.surveil.cli.SurveilVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

/**
 * What every program's command line does the same way, checked the same way for each: its help,
 * {@code --version}, an unknown option and a bad value of each port option ({@link
 * PortConverter}). A test class of a program's command implements this interface (JUnit runs
 * its default methods) and says how to make the command. Implementations must not share state
 * between runs.
 */
public interface CommandLineContract {
  /** A new instance of the program's command, as its {@code main} makes it. */
  Object newCommand();

  /** Runs a new command with {@code args} in this process. */
  default ProgramRun run(String... args) {
    return ProgramRun.of(newCommand(), args);
  }

  /**
   * Runs a new command with {@code args}, then a made-up value for each required option and
   * parameter, so that a test of one bad option sees the error about that option.
   */
  default ProgramRun runWithRequired(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    for (ArgSpec arg : spec().requiredArgs()) {
      if (arg instanceof OptionSpec option) {
        all.add(option.longestName());
      }
      all.add("x");
    }
    return run(all.toArray(String[]::new));
  }

  private CommandSpec spec() {
    return new CommandLine(newCommand()).getCommandSpec();
  }

  @Test
  default void helpShowsEveryOptionAndParameterWithItsDescriptionAndDefault() {
    ProgramRun run = run("--help");
    String words = run.out().replaceAll("\\s+", " "); // the help wraps its lines

    assertTrue(run.out().startsWith("Usage: " + run.program() + " "), run.out());
    for (OptionSpec option : spec().options()) {
      String name = option.longestName();
      assertTrue(run.out().contains(option.arity().max() == 0 ? name
          : name + "=" + option.paramLabel()), name);
      assertFalse(String.join(" ", option.description()).isBlank(), name);
      if (option.defaultValue() != null) {
        assertTrue(words.contains("default: " + option.defaultValue()), name);
      }
    }
    for (PositionalParamSpec parameter : spec().positionalParameters()) {
      assertTrue(run.out().contains(parameter.paramLabel()), parameter.paramLabel());
      assertFalse(String.join(" ", parameter.description()).isBlank(), parameter.paramLabel());
    }
    assertEquals(0, run.exitCode());
    assertEquals("", run.err());
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

  @Test
  default void everyPortOptionRefusesWhatIsNotAPort() {
    for (OptionSpec option : spec().options()) {
      if (Arrays.stream(option.converters()).noneMatch(PortConverter.class::isInstance)) {
        continue;
      }
      for (String port : List.of("70000", "65536", "-1", "+80", "http", "")) {
        runWithRequired(option.longestName(), port).assertUsageError(option.longestName() + " "
            + (port.isEmpty() ? "''" : port) + ": not a port; give 0 to 65535");
      }
    }
  }
}
