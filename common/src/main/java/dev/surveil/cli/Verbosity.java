package dev.surveil.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** The {@code --verbose} and {@code --quiet} options every program shares (a picocli mixin). */
public final class Verbosity {
  @Option(names = {"-v", "--verbose"},
      description = "Log every wire message and show stack traces.")
  private boolean verbose;

  @Option(names = {"-q", "--quiet"}, description = "Log only warnings and errors.")
  private boolean quiet;

  /** Whether {@code --verbose} was given. */
  public boolean verbose() {
    return verbose;
  }

  /** Sets the log level from the options and names the component in every log line. */
  public void apply(String component) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.putProperty("component", component);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(verbose ? Level.DEBUG : quiet ? Level.WARN : Level.INFO);
  }
}
