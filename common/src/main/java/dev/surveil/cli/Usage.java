package dev.surveil.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Usage errors found after parsing: a value that parses but can never work (a host name that
 * does not resolve, a results folder that is a file, a folder that is not a clone). They are
 * picocli {@link ParameterException}s like the errors found while parsing, so that
 * {@link CommandRunner} reports both the same way: one line, the usage, exit code 2. Stateless.
 */
public final class Usage {
  private Usage() {}

  /** {@code <option> <value>: <reason>}, as a usage error of {@code spec}'s command. */
  public static ParameterException error(CommandSpec spec, String option, Object value,
      String reason) {
    return error(spec, StartupException.option(option, value, reason));
  }

  /** {@code message}, one line for the user, as a usage error of {@code spec}'s command. */
  public static ParameterException error(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
