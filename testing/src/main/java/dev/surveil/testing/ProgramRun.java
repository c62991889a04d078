package dev.surveil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surveil.cli.CommandRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * One run of a program's command line in the test's process, as its {@code main} runs it
 * ({@link CommandRunner}) but with stdout and stderr captured: its exit code and what it printed,
 * with the checks every command test makes of a usage error and of a failure. Immutable.
 *
 * @param program the program's name, e.g. {@code runner}
 */
public record ProgramRun(String program, int exitCode, String out, String err) {
  /** Runs {@code command} with {@code args} and returns when it has ended. */
  public static ProgramRun of(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CommandRunner.commandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exitCode = cli.execute(args);
    return new ProgramRun(cli.getCommandName(), exitCode, out.toString(), err.toString());
  }

  /** The lines printed on stderr. */
  public List<String> errLines() {
    return err.lines().toList();
  }

  /**
   * Checks that the run was refused as bad usage: exit code 2, {@code <program>: <line>} on
   * stderr followed by the usage, nothing on stdout.
   */
  public void assertUsageError(String line) {
    assertEquals(program + ": " + line, errLines().isEmpty() ? "" : errLines().get(0), err);
    assertTrue(err.contains(System.lineSeparator() + "Usage: " + program + " "), err);
    assertEquals(2, exitCode, err);
    assertEquals("", out);
  }

  /**
   * Checks that the program could not start: exit code 1 and one line, {@code <program>:
   * <line>}, on stderr, without the usage.
   */
  public void assertFailure(String line) {
    assertEquals(List.of(program + ": " + line), errLines());
    assertEquals(1, exitCode, err);
    assertFalse(err.contains("Usage:"), err);
  }
}
