package dev.surveil.cli;

import picocli.CommandLine.ExitCode;

/**
 * A program cannot start. Its message is the one line the user sees after the program's name,
 * naming the option, its value and the reason where an option is to blame:
 * {@code --host nosuchhost.invalid: cannot resolve host name}. {@link CommandRunner} prints it and
 * exits with {@link #exitCode()}: 2 for a value that can never work (usage), 1 for a failure of
 * the machine or of another program (a port in use). Immutable.
 */
public final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  private StartupException(String message, Throwable cause, int exitCode) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A value that can never work, e.g. a host name that does not resolve: exit code 2. */
  public static StartupException usage(String message) {
    return new StartupException(message, null, ExitCode.USAGE);
  }

  /** A failure to start with valid options, e.g. a port in use: exit code 1. */
  public static StartupException failure(String message, Throwable cause) {
    return new StartupException(message, cause, ExitCode.SOFTWARE);
  }

  /**
   * {@code <option> <value>: <reason>}, the form of every message about one option; an empty
   * value is shown as {@code ''}.
   */
  public static String option(String option, Object value, String reason) {
    String text = String.valueOf(value);
    return option + " " + (text.isEmpty() ? "''" : text) + ": " + reason;
  }

  /** 2 for usage, 1 for a failure. */
  public int exitCode() {
    return exitCode;
  }
}
