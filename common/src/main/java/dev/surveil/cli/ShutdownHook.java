package dev.surveil.cli;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shutdown hook each program installs, so that SIGTERM and Ctrl-C close it the same way
 * {@code close()} does: the close runs on its own thread and the hook waits for it a bounded time,
 * so a stuck close cannot keep a stopping JVM alive. Failures are logged, not thrown.
 *
 * <p>The hook is installed for as long as the program runs: {@link #close()} removes it, so a
 * command run in a test (or that ends by itself) leaves no hook behind. Thread-safe.
 */
public final class ShutdownHook implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShutdownHook.class);

  private final Thread hook;

  private ShutdownHook(Thread hook) {
    this.hook = hook;
  }

  /**
   * Installs a hook, named {@code <component>-shutdown}, that runs {@code close} and waits for it
   * at most {@code limit}; close the returned hook to remove it.
   */
  public static ShutdownHook install(String component, Runnable close, Duration limit) {
    Thread hook = new Thread(() -> runBounded(component, close, limit), component + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return new ShutdownHook(hook);
  }

  /** Removes the hook; does nothing once the JVM is shutting down (the hook is running). */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutdown in progress: this hook is what stopped the program
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
