package dev.surveil.bench.process;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the RSS of some programs every 50 ms on a daemon thread and keeps each one's peak,
 * from {@link #watch} until {@link #close()}. Thread-safe.
 */
public final class PeakMemory implements AutoCloseable {
  private static final long PERIOD_MILLIS = 50;

  private final Program[] programs;
  private final Map<Program, Double> peaks = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean stopped;

  private PeakMemory(Program[] programs) {
    this.programs = programs.clone();
    this.thread = new Thread(this::run, "bench-memory-sampler");
    this.thread.setDaemon(true);
  }

  /** Starts sampling {@code programs}. */
  public static PeakMemory watch(Program... programs) {
    PeakMemory memory = new PeakMemory(programs);
    memory.sample();
    memory.thread.start();
    return memory;
  }

  private void run() {
    while (!stopped) {
      sample();
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    for (Program program : programs) {
      OptionalDouble rss = ResidentMemory.mebibytes(program.pid());
      if (rss.isPresent()) {
        peaks.merge(program, rss.getAsDouble(), Math::max);
      }
    }
  }

  /** The highest RSS seen for {@code program}, in MiB, or empty if it was never read. */
  public OptionalDouble peakMebibytes(Program program) {
    Double peak = peaks.get(program);
    return peak == null ? OptionalDouble.empty() : OptionalDouble.of(peak);
  }

  /** Takes a last sample and stops sampling. Idempotent. */
  @Override
  public void close() {
    if (!stopped) {
      stopped = true;
      thread.interrupt();
      try {
        thread.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sample();
    }
  }
}
