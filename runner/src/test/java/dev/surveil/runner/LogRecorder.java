package dev.surveil.runner;

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
 * Records the runner's log lines at INFO and above as {@code LEVEL message}, so tests can wait for
 * the lines people and other programs read; close it to detach it. Thread-safe.
 */
final class LogRecorder extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Queue<String> lines = new ConcurrentLinkedQueue<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.surveil.runner");
  private final Level previousLevel = logger.getLevel();

  private LogRecorder() {}

  /** Starts recording the events of every {@code dev.surveil.runner} logger. */
  static LogRecorder record() {
    LogRecorder recorder = new LogRecorder();
    recorder.setContext(recorder.logger.getLoggerContext());
    recorder.setName("test-recorder");
    recorder.start();
    recorder.logger.setLevel(Level.INFO);
    recorder.logger.addAppender(recorder);
    return recorder;
  }

  @Override
  protected void append(ILoggingEvent event) {
    lines.add(event.getLevel() + " " + event.getFormattedMessage());
  }

  /** Every line so far, oldest first. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines so far that start with {@code prefix}, e.g. {@code "WARN cannot deliver"}. */
  List<String> linesStartingWith(String prefix) {
    return lines.stream().filter(line -> line.startsWith(prefix)).collect(Collectors.toList());
  }

  /** Waits up to 10 seconds for a line that starts with {@code prefix}, and returns it. */
  String awaitLine(String prefix) {
    await("a log line starting with '" + prefix + "' in " + lines)
        .atMost(Duration.ofSeconds(10)).until(() -> !linesStartingWith(prefix).isEmpty());
    return linesStartingWith(prefix).get(0);
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    stop();
  }
}
