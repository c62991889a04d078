package dev.surveil.cli;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shutdown hook each program installs, so that SIGTERM and Ctrl-C close it the same way
 * {@code close()} does: the close runs on its own thread and the hook waits for it a bounded time,
 * so a stuck close cannot keep a stopping JVM alive. Failures are logged, not thrown.
 */
public final class ShutdownHook {
  private static final Logger log = LoggerFactory.getLogger(ShutdownHook.class);

  private ShutdownHook() {}

  /**
   * Installs a hook, named {@code <component>-shutdown}, that runs {@code close} and waits for it
   * at most {@code limit}.
   */
  public static void install(String component, Runnable close, Duration limit) {
    Runtime.getRuntime().addShutdownHook(
        new Thread(() -> runBounded(component, close, limit), component + "-shutdown"));
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
