package dev.surveil.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.surveil.lifecycle.UncaughtExceptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Every thread of this JVM that died from an uncaught exception, in order, for
 * {@link ThreadCheck} to fail the test during which it died. Thread-safe.
 *
 * <p>It works with the production policy, {@link UncaughtExceptions}, rather than in its place:
 * a thread the policy handles (an {@linkplain UncaughtExceptions#essential essential} thread,
 * or any thread once a program or test has {@linkplain UncaughtExceptions#install installed}
 * it) is seen through the ERROR line the policy logs, so the policy still decides what
 * happens; any other thread reaches the JVM's default handler, which this class takes over only
 * to record the death before passing it on to the handler it replaced (or printing it, as the
 * JVM would). A test that installs or uninstalls the policy replaces that default handler;
 * {@link #watch()} takes it over again before the next test.
 */
final class ThreadDeaths {
  /** One thread's death; {@code reported} once a test has failed for it. */
  static final class Death {
    final Thread thread;
    final Throwable cause;
    boolean reported;

    Death(Thread thread, Throwable cause) {
      this.thread = thread;
      this.cause = cause;
    }
  }

  private static final String POLICY_LINE = "thread {} ended by an uncaught exception";
  private static final List<Death> deaths = new ArrayList<>();
  private static final Recorder RECORDER = new Recorder();
  private static volatile Thread.UncaughtExceptionHandler replaced;

  private ThreadDeaths() {}

  /** Starts (or goes on) recording deaths; idempotent, called before each test. */
  static void watch() {
    Thread.UncaughtExceptionHandler current = Thread.getDefaultUncaughtExceptionHandler();
    if (current != RECORDER) {
      replaced = current;
      Thread.setDefaultUncaughtExceptionHandler(RECORDER);
    }
    Logger policy = (Logger) LoggerFactory.getLogger(UncaughtExceptions.class);
    if (!RECORDER.isStarted()) {
      RECORDER.setContext(policy.getLoggerContext());
      RECORDER.setName("thread-deaths");
      RECORDER.start();
    }
    if (policy.getAppender(RECORDER.getName()) == null) {
      policy.addAppender(RECORDER);
    }
  }

  /** How many deaths were recorded so far: a mark for {@link #takeSince}. */
  static synchronized int count() {
    return deaths.size();
  }

  /**
   * The deaths recorded since {@code mark} that no test reported yet, of threads that
   * {@code counted} accepts; marks them reported.
   */
  static synchronized List<Death> takeSince(int mark, Predicate<Thread> counted) {
    List<Death> taken = new ArrayList<>();
    for (Death death : deaths.subList(mark, deaths.size())) {
      if (!death.reported && counted.test(death.thread)) {
        death.reported = true;
        taken.add(death);
      }
    }
    return taken;
  }

  private static synchronized void record(Thread thread, Throwable cause) {
    for (Death death : deaths) {
      if (death.thread == thread && death.cause == cause) {
        return; // seen twice: by the default handler, then in the policy's log line
      }
    }
    deaths.add(new Death(thread, cause));
  }

  /** The JVM's default handler while watching, and the appender on the policy's logger. */
  private static final class Recorder extends AppenderBase<ILoggingEvent>
      implements Thread.UncaughtExceptionHandler {
    @Override
    public void uncaughtException(Thread thread, Throwable cause) {
      record(thread, cause);
      Thread.UncaughtExceptionHandler next = replaced;
      if (next != null) {
        next.uncaughtException(thread, cause);
      } else {
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        cause.printStackTrace(System.err);
      }
    }

    @Override
    protected void append(ILoggingEvent event) {
      // the policy logs on the dying thread, with the exception as the last argument
      if (event.getLevel() == Level.ERROR && event.getMessage().startsWith(POLICY_LINE)
          && event.getThrowableProxy() instanceof ThrowableProxy proxy) {
        record(Thread.currentThread(), proxy.getThrowable());
      }
    }
  }
}
