package dev.surveil.testing;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Records the log events of one logger (e.g. {@code dev.surveil.dispatcher}) and the loggers
 * below it, at INFO (or a chosen level) and above, so tests can check and wait for the lines
 * people and other programs read; close it to detach it and restore the level. Thread-safe.
 */
public final class LogRecorder extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private static final Duration LINE_WAIT = Duration.ofSeconds(10);

  private final Queue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
  private final Logger logger;
  private final Level previousLevel;

  private LogRecorder(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    previousLevel = logger.getLevel();
  }

  /** Starts recording the events of {@code loggerName} and the loggers below it at INFO+. */
  public static LogRecorder record(String loggerName) {
    return record(loggerName, Level.INFO);
  }

  /** Starts recording the events of {@code loggerName} and below it at {@code level} and up. */
  public static LogRecorder record(String loggerName, Level level) {
    LogRecorder recorder = new LogRecorder(loggerName);
    recorder.setContext(recorder.logger.getLoggerContext());
    recorder.setName("test-recorder-" + loggerName);
    recorder.start();
    recorder.logger.setLevel(level);
    recorder.logger.addAppender(recorder);
    return recorder;
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }

  /** The formatted messages logged at {@code level}, oldest first. */
  public List<String> messages(Level level) {
    return events.stream().filter(event -> event.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  /** The formatted messages at any level that start with {@code prefix}, oldest first. */
  public List<String> messagesStartingWith(String prefix) {
    return events.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(message -> message.startsWith(prefix)).collect(Collectors.toList());
  }

  /** Every event so far as {@code LEVEL message}, e.g. {@code "WARN cannot deliver ..."}. */
  public List<String> lines() {
    return events.stream().map(event -> event.getLevel() + " " + event.getFormattedMessage())
        .collect(Collectors.toList());
  }

  /** The {@link #lines()} so far that start with {@code prefix}, e.g. {@code "WARN cannot"}. */
  public List<String> linesStartingWith(String prefix) {
    return lines().stream().filter(line -> line.startsWith(prefix))
        .collect(Collectors.toList());
  }

  /**
   * Waits up to 10 seconds for one of the {@link #lines()} to start with {@code prefix}, and
   * returns the first that does.
   */
  public String awaitLine(String prefix) {
    await("a log line starting with '" + prefix + "' in " + lines())
        .atMost(LINE_WAIT).until(() -> !linesStartingWith(prefix).isEmpty());
    return linesStartingWith(prefix).get(0);
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    stop();
  }
}
