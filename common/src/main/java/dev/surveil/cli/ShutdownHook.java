package dev.surveil.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shutdown hook each program installs, so that SIGTERM and Ctrl-C close it the same way
 * {@code close()} does: the close runs on its own thread and the hook waits for it a bounded time,
 * so a stuck close cannot keep a stopping JVM alive. Failures are logged, not thrown.
 *
 * <p>The hook is installed only while the program runs ({@link #whileRunning}), so a command run
 * in a test, or one that ends by itself, leaves no hook behind. Stateless.
 */
public final class ShutdownHook {
  private static final Logger log = LoggerFactory.getLogger(ShutdownHook.class);

  private ShutdownHook() {}

  /**
   * Runs {@code program} (which returns once {@code close} has stopped it) with a hook, named
   * {@code <component>-shutdown}, that runs {@code close} and waits for it at most
   * {@code limit}; removes the hook when {@code program} returns or throws.
   *
   * @return what {@code program} returns
   */
  public static <T> T whileRunning(String component, Runnable close, Duration limit,
      Callable<T> program) throws Exception {
    Thread hook = new Thread(() -> runBounded(component, close, limit), component + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return program.call();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: this hook is what stopped the program
      }
    }
  }

  static void runBounded(String component, Runnable close, Duration limit) {
    Thread closer = new Thread(() -> {
      try {
        close.run();
      } catch (RuntimeException e) {
        log.error("closing the {} failed", component, e);
      }
    }, component + "-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(limit.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      log.warn("the {} did not close within {}; exiting anyway", component, limit);
    }
  }
}
