package dev.surveil.bench.scenario;

import java.time.Duration;

/**
 * How long and how often each scenario measures. Immutable.
 *
 * @param quick whether this is the short run ({@code --quick})
 * @param latencyRuns measured commits per trigger (after one warm-up commit each)
 * @param failoverRuns runners killed mid-test
 * @param throughputWindow the length of one throughput sample
 * @param throughputWindows samples per number of clients, after one warm-up window
 * @param dispatchBatches batches of dispatched commits; each gives one rate sample
 * @param dispatchBatchSize commits per batch
 * @param sweepRounds heartbeat rounds to observe with 500 runners
 * @param unterminatedRequests measured requests of each kind in scenario 8, with and without a
 *     terminator each
 */
public record BenchSettings(boolean quick, int latencyRuns, int failoverRuns,
    Duration throughputWindow, int throughputWindows, int dispatchBatches, int dispatchBatchSize,
    int sweepRounds, int unterminatedRequests) {
  /** The full run: about three minutes on two cores. */
  public static BenchSettings fullRun() {
    return new BenchSettings(false, 10, 5, Duration.ofSeconds(1), 5, 5, 1000, 10, 200);
  }

  /** The short run: about a minute. */
  public static BenchSettings quickRun() {
    return new BenchSettings(true, 3, 2, Duration.ofSeconds(1), 2, 2, 500, 4, 50);
  }
}
