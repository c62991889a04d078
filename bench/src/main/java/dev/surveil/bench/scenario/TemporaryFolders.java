package dev.surveil.bench.scenario;

import dev.surveil.testing.GitRepoFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary folders the bench made (work folder, repositories), so that they are deleted
 * when it ends, also on Ctrl-C, where the shutdown hook deletes them after the programs are
 * stopped. Thread-safe.
 */
public final class TemporaryFolders {
  private static final Logger log = LoggerFactory.getLogger(TemporaryFolders.class);

  private final Set<Path> folders = new LinkedHashSet<>();

  /** Remembers {@code folder} for {@link #deleteAll()}. */
  public synchronized void add(Path folder) {
    folders.add(folder);
  }

  /** Deletes every folder added (missing ones are skipped) and forgets them. */
  public void deleteAll() {
    List<Path> toDelete;
    synchronized (this) {
      toDelete = new ArrayList<>(folders);
      folders.clear();
    }
    for (Path folder : toDelete) {
      try {
        GitRepoFixture.deleteRecursively(folder);
      } catch (RuntimeException e) {
        log.warn("cannot delete temporary folder path={}: {}", folder, e.toString());
      }
    }
  }
}
