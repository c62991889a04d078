package dev.surveil.observer;

import dev.surveil.protocol.CommitId;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the observer has got: the newest commit that counts as dispatched, kept in memory and
 * in the clone's {@link ObserverStateFile}, which is written after each commit the dispatcher
 * acknowledges. Not thread-safe: {@link ObserverService} guards it with its poll lock.
 */
final class DispatchProgress {
  private static final Logger log = LoggerFactory.getLogger(DispatchProgress.class);

  private final ObserverStateFile file;
  private CommitId last; // null while the clone has no commit

  private DispatchProgress(ObserverStateFile file, CommitId last) {
    this.file = file;
    this.last = last;
  }

  /**
   * The progress of the observer of {@code poller}'s clone: the commit its state file names, if
   * HEAD contains it. Without a usable state file (none, damaged, or naming a commit HEAD no
   * longer contains, e.g. after a force push) the clone's HEAD counts as dispatched, as for the
   * chapter's observer (what the clone already has is not tested), and is recorded.
   *
   * @throws IOException if HEAD cannot be read or the state file cannot be written
   */
  static DispatchProgress resume(RepositoryPoller poller) throws IOException {
    ObserverStateFile file = new ObserverStateFile(poller.gitDirectory());
    Optional<CommitId> head = poller.head();
    Optional<CommitId> saved = file.read();
    if (saved.isPresent()) {
      if (poller.headContains(saved.get())) {
        log.info("resuming after commit {}", saved.get());
        return new DispatchProgress(file, saved.get());
      }
      log.warn("state file {} names commit {}, which is no longer in the history of HEAD={}"
          + " (was the branch force-pushed?); starting from HEAD as a fresh observer does",
          file.path(), saved.get(), head.map(CommitId::value).orElse("none"));
    }
    if (head.isPresent()) {
      file.write(head.get());
    }
    return new DispatchProgress(file, head.orElse(null));
  }

  /** The newest commit that counts as dispatched; empty if the clone had none at start. */
  Optional<CommitId> last() {
    return Optional.ofNullable(last);
  }

  /**
   * Records that the dispatcher acknowledged {@code commit}. If the state file cannot be
   * written, logs a WARN line and carries on: only a restart would dispatch the commit again.
   */
  void advance(CommitId commit) {
    last = commit;
    try {
      file.write(commit);
    } catch (IOException e) {
      log.warn("{}; if the observer restarts now, it dispatches commit {} again",
          e.getMessage(), commit);
    }
  }
}
