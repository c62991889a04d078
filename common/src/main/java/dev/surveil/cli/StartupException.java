package dev.surveil.cli;

/**
 * A program cannot start with valid options: a port in use, a folder another program has, an
 * unreadable token file. Its message is the one line the user sees after the program's name,
 * naming the option, its value and the reason where an option is to blame:
 * {@code --port 8888: already in use on localhost; ...}. {@link CommandRunner} prints it and
 * exits 1. A value that can never work is not a failure but a usage error: see {@link Usage}.
 * Immutable.
 */
public final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private StartupException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A failure to start with valid options, e.g. a port in use: exit code 1. */
  public static StartupException failure(String message, Throwable cause) {
    return new StartupException(message, cause);
  }

  /**
   * {@code <option> <value>: <reason>}, the form of every message about one option; an empty
   * value is shown as {@code ''}.
   */
  public static String option(String option, Object value, String reason) {
    String text = String.valueOf(value);
    return option + " " + (text.isEmpty() ? "''" : text) + ": " + reason;
  }
}
