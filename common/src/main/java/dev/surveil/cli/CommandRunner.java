package dev.surveil.cli;

import dev.surveil.lifecycle.UncaughtExceptions;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

/**
 * Runs a picocli command the way every Surveil program does. A usage error (an unknown option,
 * a value that does not convert, or one the command refuses after parsing with a
 * {@link ParameterException}, see {@link Usage}) prints {@code <program>: <message>} and then the
 * usage on stderr, and exits 2. A program that cannot start ({@link StartupException}, or any
 * other exception) prints {@code <program>: <message>} and exits 1; the stack trace follows only
 * when {@code --verbose} ({@link Verbosity}) was given. Every {@link Duration} option is read by
 * the {@link DurationConverter}, registered here once for all. Stateless.
 */
public final class CommandRunner {
  private CommandRunner() {}

  /**
   * The {@code main} of every program: installs the {@link UncaughtExceptions} policy for it,
   * runs {@code command} with {@code args} and exits with its exit code.
   */
  public static void main(Object command, String[] args) {
    CommandLine cli = commandLine(command);
    UncaughtExceptions.install(cli.getCommandName(), System::exit);
    System.exit(cli.execute(args));
  }

  /** The command line for {@code command}, reading and reporting as the class comment says. */
  public static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.registerConverter(Duration.class, new DurationConverter());
    cli.setParameterExceptionHandler(CommandRunner::usageError);
    cli.setExecutionExceptionHandler(CommandRunner::failure);
    return cli;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println(cli.getCommandName() + ": " + describe(e));
    cli.usage(err, cli.getColorScheme());
    return cli.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static int failure(Exception e, CommandLine cli, ParseResult parsed) {
    PrintWriter err = cli.getErr();
    err.println(cli.getCommandName() + ": " + (e.getMessage() == null ? e : e.getMessage()));
    if (verbose(cli.getCommandSpec())) {
      e.printStackTrace(err);
    }
    return cli.getCommandSpec().exitCodeOnExecutionException();
  }

  /** Whether the command has the {@link Verbosity} mixin and {@code --verbose} was given. */
  private static boolean verbose(CommandSpec spec) {
    return spec.mixins().values().stream().map(CommandSpec::userObject)
        .anyMatch(mixin -> mixin instanceof Verbosity verbosity && verbosity.verbose());
  }

  /**
   * A value that does not convert as {@code <option> <value>: <reason>} (a parameter is named by
   * its label, e.g. {@code REPO}); any other usage error as its message, on one line.
   */
  static String describe(ParameterException e) {
    ArgSpec arg = e.getArgSpec();
    if (e.getCause() instanceof TypeConversionException conversion && arg != null
        && e.getValue() != null) {
      String name = arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
      return StartupException.option(name, e.getValue(), conversion.getMessage());
    }
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.replace('\n', ' ').strip();
  }
}
