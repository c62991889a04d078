package dev.surveil.cli;

import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Runs a picocli command the way every Surveil program does: usage errors print one line and
 * exit 2; a failure prints one line {@code <program>: <message>} and exits 1, with the stack
 * trace only when {@code --verbose} was given.
 */
public final class CommandRunner {
  private CommandRunner() {}

  /** Builds the command line for {@code command}; {@code verbose} is read after parsing. */
  public static CommandLine commandLine(Object command, Supplier<Boolean> verbose) {
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      String program = commandLine.getCommandName();
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      commandLine.getErr().println(program + ": " + message);
      if (verbose.get()) {
        e.printStackTrace(commandLine.getErr());
      }
      return CommandLine.ExitCode.SOFTWARE;
    });
    return cli;
  }
}
