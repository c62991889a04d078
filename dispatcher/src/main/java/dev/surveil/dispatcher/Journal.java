package dev.surveil.dispatcher;

import java.util.List;

/**
 * Where the {@link RunnerPool} records its changes so that a restarted dispatcher can rebuild
 * it. The pool appends each change under its lock, before making it; whoever must not reply
 * before the change is durable then calls {@link #sync()}.
 */
interface Journal {
  /** Records nothing: for a pool that need not survive a restart, and for tests. */
  Journal NONE = new Journal() {
    @Override
    public void append(PoolChange change) {}

    @Override
    public void sync() {}

    @Override
    public boolean wantsCompaction(int liveChanges) {
      return false;
    }

    @Override
    public void compact(List<PoolChange> snapshot) {}
  };

  /**
   * Records a change; it may not be on disk until {@link #sync()}.
   *
   * @throws java.io.UncheckedIOException if it cannot be written; the change must not be made
   */
  void append(PoolChange change);

  /**
   * Returns once every change appended so far is on disk.
   *
   * @throws java.io.UncheckedIOException if that cannot be ensured
   */
  void sync();

  /** Whether the journal has grown enough, beside a pool of this size, to be rewritten. */
  boolean wantsCompaction(int liveChanges);

  /**
   * Replaces everything recorded so far with {@code snapshot}, the changes that rebuild the
   * pool as it is now, atomically: a crash leaves either the old journal or the new one.
   *
   * @throws java.io.UncheckedIOException if the new journal cannot be written; the old one stays
   */
  void compact(List<PoolChange> snapshot);
}
