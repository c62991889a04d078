package dev.surveil.time;

/**
 * A monotonic source of nanoseconds, for measuring intervals. Production code uses
 * {@link #SYSTEM}; tests inject a fake that they advance by hand. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Ticker {
  /** The system's monotonic clock, {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** Nanoseconds since an arbitrary origin; only differences between readings mean anything. */
  long read();
}
