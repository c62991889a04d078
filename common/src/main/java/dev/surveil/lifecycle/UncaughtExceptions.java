package dev.surveil.lifecycle;

import java.util.Objects;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one policy of every Surveil program for an exception that escapes a thread: it is logged
 * at ERROR with the thread's name, never lost on stderr or ignored; and if the thread is one the
 * program cannot work without ({@link #essential}: a server's accept loop, the dispatcher's
 * redistributor and heartbeat, the runner's dispatcher link, the observer's poll), the program
 * exits with status {@value #EXIT_STATUS}, so that a supervisor restarts it instead of it running
 * on, stalled, without a word. Thread-safe.
 *
 * <p>{@link #install} is called once by each program's {@code main}. Until then (in tests, or
 * when the services are embedded) essential threads are logged the same way but nothing exits.
 */
public final class UncaughtExceptions {
  /** The exit status of a program that lost an essential thread. */
  public static final int EXIT_STATUS = 1;

  private static final Logger log = LoggerFactory.getLogger(UncaughtExceptions.class);
  private static final Thread.UncaughtExceptionHandler LOGGED = UncaughtExceptions::logged;
  private static final Thread.UncaughtExceptionHandler ESSENTIAL = UncaughtExceptions::essential;

  private static volatile String program = "the program";
  private static volatile IntConsumer exit; // null until installed

  private UncaughtExceptions() {}

  /**
   * Makes this policy the JVM's default handler, for the program named {@code name}; an
   * essential thread's death then calls {@code exitAction} with {@value #EXIT_STATUS}, on a new
   * thread (so shutdown hooks may wait for the dying thread), e.g. {@code System::exit}.
   */
  public static void install(String name, IntConsumer exitAction) {
    program = Objects.requireNonNull(name, "name");
    exit = Objects.requireNonNull(exitAction, "exitAction");
    Thread.setDefaultUncaughtExceptionHandler(LOGGED);
  }

  /** Undoes {@link #install}: for tests. */
  public static void uninstall() {
    exit = null;
    program = "the program";
    Thread.setDefaultUncaughtExceptionHandler(null);
  }

  /** Marks {@code thread}, not yet started, as one the program cannot work without. */
  public static Thread essential(Thread thread) {
    thread.setUncaughtExceptionHandler(ESSENTIAL);
    return thread;
  }

  private static void logged(Thread thread, Throwable e) {
    log.error("thread {} ended by an uncaught exception", thread.getName(), e);
  }

  private static void essential(Thread thread, Throwable e) {
    IntConsumer action = exit;
    if (action == null) {
      log.error("thread {} ended by an uncaught exception; {} cannot work without it",
          thread.getName(), program, e);
      return;
    }
    log.error("thread {} ended by an uncaught exception; {} cannot work without it and exits"
        + " with status {} for a supervisor to restart it", thread.getName(), program,
        EXIT_STATUS, e);
    Thread exiting = new Thread(() -> action.accept(EXIT_STATUS), program + "-exit");
    exiting.start();
  }
}
