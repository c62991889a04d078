package dev.surveil.runner;

import dev.surveil.protocol.CommitId;
import dev.surveil.storage.FileProblem;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.storage.FolderLock;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's own clone of the watched repository, which it moves to each commit it tests (the
 * chapter's {@code test_runner_script.sh}, with JGit), locked for this runner until
 * {@link #close()}. Not thread-safe: the runner tests one commit at a time.
 */
public final class RepositoryCheckout implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RepositoryCheckout.class);
  // Lock files git and JGit take at the top of .git while checking out or fetching.
  private static final List<String> TOP_LEVEL_LOCKS = List.of("index.lock", "HEAD.lock",
      "ORIG_HEAD.lock", "FETCH_HEAD.lock", "config.lock", "packed-refs.lock", "shallow.lock");
  private static final int FETCH_TIMEOUT_SECONDS = 60;

  private final Path directory;
  private final Path workRoot;
  private final Path outbox;
  private final FolderLock lock;

  private RepositoryCheckout(Path directory, Path workRoot, Path outbox, FolderLock lock) {
    this.directory = directory;
    this.workRoot = workRoot;
    this.outbox = outbox;
    this.lock = lock;
  }

  /**
   * The clone in {@code directory}, locked for this runner until {@link #close()}: only then is
   * anything a killed runner left there removed (stale git locks, test-run files), so a second
   * runner on the clone is refused before it touches the first one's files.
   *
   * @throws IOException with one line for the user saying what is wrong and what to do, if
   *     {@code directory} is missing or not a git clone with a working tree
   * @throws FolderInUseException if another runner or an observer has the clone
   */
  public static RepositoryCheckout open(Path directory) throws IOException {
    Path dir = directory.toAbsolutePath().normalize();
    String clone = "; give the runner its own clone: git clone <repository-url> " + directory;
    if (!Files.exists(dir)) {
      throw new IOException(problem(directory, "no such folder" + clone));
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException(problem(directory, "a file, not a folder" + clone));
    }
    Path gitDir;
    try (Git git = Git.open(dir.toFile())) {
      if (git.getRepository().isBare()) {
        throw new IOException(problem(directory,
            "a bare repository, with no files to test" + clone));
      }
      gitDir = git.getRepository().getDirectory().toPath();
    } catch (RepositoryNotFoundException e) {
      throw new IOException(problem(directory, "not a git repository" + clone), e);
    }
    FolderLock lock = lock(directory, gitDir);
    try {
      removeStaleLocks(gitDir);
      return new RepositoryCheckout(dir, freshWorkRoot(gitDir.resolve("surveil-work")),
          gitDir.resolve("surveil-outbox"), lock);
    } catch (IOException e) {
      lock.close();
      throw new IOException(problem(directory, "cannot clean it up: " + FileProblem.describe(e)),
          e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static FolderLock lock(Path directory, Path gitDir) throws IOException {
    try {
      return FolderLock.acquire(directory, gitDir.resolve(FolderLock.CLONE_LOCK_NAME), "runner");
    } catch (FolderInUseException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(problem(directory, FileProblem.describe(e)), e);
    }
  }

  private static String problem(Path directory, String reason) {
    return "REPO " + directory + ": " + reason;
  }

  // Test runs keep their compiled classes and output here, inside the runner's own clone but
  // outside its working tree: what a killed runner left is removed when the next one starts.
  private static Path freshWorkRoot(Path workRoot) throws IOException {
    if (Files.exists(workRoot)) {
      try (Stream<Path> paths = Files.walk(workRoot)) {
        for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(path);
        }
      }
    }
    return Files.createDirectories(workRoot);
  }

  // The clone is the runner's own: a lock file found at start-up (index.lock, HEAD.lock, a
  // ref's .lock, ...) was left by a runner killed in the middle of a checkout or a fetch, and
  // would make every checkout fail until someone deleted it. Only the locks a checkout or a
  // fetch takes are removed (not, say, gc.log.lock), and files vanishing meanwhile are fine.
  private static void removeStaleLocks(Path gitDir) throws IOException {
    List<Path> locks = new ArrayList<>();
    TOP_LEVEL_LOCKS.forEach(name -> locks.add(gitDir.resolve(name)));
    Path refs = gitDir.resolve("refs");
    if (Files.isDirectory(refs)) {
      Files.walkFileTree(refs, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (file.getFileName().toString().endsWith(".lock")) {
            locks.add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // gone meanwhile, or unreadable: not ours to remove
        }
      });
    }
    for (Path lock : locks) {
      if (Files.deleteIfExists(lock)) {
        log.warn("removed {} left by a runner that was killed during a checkout", lock);
      }
    }
  }

  /** A folder of the runner's own for the temporary files of test runs; empty at start-up. */
  public Path workRoot() {
    return workRoot;
  }

  /**
   * Where the runner keeps the reports it has not delivered yet, inside the clone's {@code .git}:
   * unlike {@link #workRoot()} it is kept across restarts. It may not exist yet.
   */
  public Path outbox() {
    return outbox;
  }

  /** The clone's working tree, where the tests run. */
  public Path directory() {
    return directory;
  }

  /**
   * Makes the working tree exactly {@code commit}: removes untracked and ignored files
   * ({@code git clean -dfx}), fetches from {@code origin} unless the commit is already here, and
   * resets hard to it.
   *
   * @throws IOException with a readable reason, e.g. the commit is not in the clone or its origin
   */
  public void checkout(CommitId commit) throws IOException {
    try (Git git = Git.open(directory.toFile())) {
      git.clean().setCleanDirectories(true).setIgnore(false).call();
      ObjectId id = findCommit(git.getRepository(), commit);
      if (id == null) {
        fetch(git, commit);
        id = findCommit(git.getRepository(), commit);
      }
      if (id == null) {
        throw new IOException("commit " + commit + " not found in " + directory
            + " or its origin");
      }
      git.reset().setMode(ResetType.HARD).setRef(id.name()).call();
    } catch (GitAPIException e) {
      throw new IOException("cannot check out commit " + commit + " in " + directory + ": "
          + e.getMessage(), e);
    }
  }

  private void fetch(Git git, CommitId commit) throws IOException {
    try {
      git.fetch().setRemote(Constants.DEFAULT_REMOTE_NAME).setTimeout(FETCH_TIMEOUT_SECONDS)
          .call();
    } catch (GitAPIException e) {
      throw new IOException("commit " + commit + " is not in " + directory
          + " and fetching from origin failed: " + e.getMessage(), e);
    }
  }

  /** The one commit whose id is or starts with {@code commit}, or null if there is none here. */
  private ObjectId findCommit(Repository repository, CommitId commit) throws IOException {
    if (commit.value().length() > Constants.OBJECT_ID_STRING_LENGTH) {
      return null; // a SHA-256 id; this clone uses SHA-1
    }
    List<ObjectId> commits = new ArrayList<>();
    try (ObjectReader reader = repository.newObjectReader()) {
      for (ObjectId id : reader.resolve(AbbreviatedObjectId.fromString(commit.value()))) {
        if (reader.has(id) && reader.open(id).getType() == Constants.OBJ_COMMIT) {
          commits.add(id);
        }
      }
    }
    if (commits.size() > 1) {
      throw new IOException("commit id " + commit + " is ambiguous in " + directory);
    }
    return commits.isEmpty() ? null : commits.get(0);
  }

  /** Releases the clone for another runner. Idempotent. */
  @Override
  public void close() {
    lock.close();
  }
}
