package dev.surveil.cli;

import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Runs a picocli command the way every Surveil program does: a program that cannot start prints
 * one line, {@code <program>: <message>}, and exits 2 for bad usage (a value that can never
 * work, an unknown option) or 1 for a failure (a {@link StartupException} says which; any other
 * exception is a failure). The stack trace follows only when {@code --verbose} was given.
 */
public final class CommandRunner {
  private CommandRunner() {}

  /** Builds the command line for {@code command}; {@code verbose} is read after parsing. */
  public static CommandLine commandLine(Object command, Supplier<Boolean> verbose) {
    CommandLine cli = new CommandLine(command);
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine commandLine = e.getCommandLine();
      commandLine.getErr().println(commandLine.getCommandName() + ": " + describe(e));
      return CommandLine.ExitCode.USAGE;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      String program = commandLine.getCommandName();
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      commandLine.getErr().println(program + ": " + message);
      if (verbose.get()) {
        e.printStackTrace(commandLine.getErr());
      }
      return e instanceof StartupException startup ? startup.exitCode()
          : CommandLine.ExitCode.SOFTWARE;
    });
    return cli;
  }

  /**
   * An option's value that does not convert as {@code <option> <value>: <reason>}; any other
   * usage error as picocli words it, pointing to {@code --help}.
   */
  static String describe(ParameterException e) {
    if (e.getCause() instanceof TypeConversionException conversion
        && e.getArgSpec() instanceof OptionSpec option && e.getValue() != null) {
      return StartupException.option(option.longestName(), e.getValue(), conversion.getMessage());
    }
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.replace('\n', ' ').strip() + "; " + e.getCommandLine().getCommandName()
        + " --help lists the options";
  }
}
