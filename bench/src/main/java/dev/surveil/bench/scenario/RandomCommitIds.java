package dev.surveil.bench.scenario;

import dev.surveil.protocol.CommitId;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New full-length commit ids that no repository has, for scenarios that dispatch to simulated
 * runners: 40 random lower-case hex digits each. Thread-safe.
 */
final class RandomCommitIds {
  private RandomCommitIds() {}

  /** A new random 40-digit commit id. */
  static CommitId next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new CommitId(String.format("%016x%016x%08x", random.nextLong(), random.nextLong(),
        random.nextInt()));
  }
}
