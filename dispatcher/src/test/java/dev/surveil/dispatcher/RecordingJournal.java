package dev.surveil.dispatcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A journal for the pool's tests: keeps the changes in memory, and refuses them while a test
 * says so, as a full disk would. Never asks for compaction, but compacts when told. Thread-safe.
 */
final class RecordingJournal implements Journal {
  final List<PoolChange> changes = new CopyOnWriteArrayList<>();
  /** How many appends were refused. */
  final AtomicInteger refused = new AtomicInteger();
  /** While true, every append fails as a write to a full disk does. */
  volatile boolean failing;

  @Override
  public void append(PoolChange change) {
    if (failing) {
      refused.incrementAndGet();
      throw new UncheckedIOException("cannot write journal j: No space left on device",
          new IOException("No space left on device"));
    }
    changes.add(change);
  }

  @Override
  public void sync() {}

  @Override
  public boolean wantsCompaction(int liveChanges) {
    return false;
  }

  /** Replaces the history with the snapshot, as the file's rewrite does. */
  @Override
  public void compact(List<PoolChange> snapshot) {
    changes.clear();
    changes.addAll(snapshot);
  }
}
