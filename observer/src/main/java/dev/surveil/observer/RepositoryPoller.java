package dev.surveil.observer;

import dev.surveil.protocol.CommitId;
import dev.surveil.storage.FileProblem;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.storage.FolderLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.BranchConfig;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observer's own clone of the watched repository: each {@link #pullNewCommits} brings it up
 * to date with {@code origin} and lists the commits that arrived, oldest first (the chapter's
 * {@code update_repo.sh}, done with JGit), locked for this observer while it is open. Not
 * thread-safe: {@link ObserverService} runs one poll at a time.
 */
public final class RepositoryPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RepositoryPoller.class);
  private static final String REMOTE = Constants.DEFAULT_REMOTE_NAME;
  /** A fetch from a remote that stops answering must not hold the poller forever. */
  private static final int FETCH_TIMEOUT_SECONDS = 30;
  private static final String CLONE_HINT = "git clone <repository-url> <folder>";

  private final Path clone;
  private final Git git;
  private final FolderLock lock;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RepositoryPoller(Path clone, Git git, FolderLock lock) {
    this.clone = clone;
    this.git = git;
    this.lock = lock;
  }

  /**
   * Opens the clone at {@code path} and locks it for this observer until {@link #close()}.
   *
   * @throws UnusableCloneException with a one-line message for the user if the path is missing,
   *     is not a non-bare git repository, has no {@code origin} remote, or cannot be locked
   * @throws FolderInUseException if another observer or a runner has the clone
   */
  public static RepositoryPoller open(Path path)
      throws UnusableCloneException, FolderInUseException {
    Git git = openGit(path);
    Repository repository = git.getRepository();
    try {
      if (repository.isBare()) {
        throw unusable(path, "a bare repository; the observer needs a clone with a working"
            + " tree: " + CLONE_HINT);
      }
      if (!repository.getConfig().getSubsections(ConfigConstants.CONFIG_REMOTE_SECTION)
          .contains(REMOTE)) {
        throw unusable(path, "no 'origin' remote to pull from; add one: git -C " + path
            + " remote add origin <repository-url>");
      }
      Path lockFile = repository.getDirectory().toPath().resolve(FolderLock.CLONE_LOCK_NAME);
      FolderLock lock = FolderLock.acquire(path, lockFile, "observer");
      return new RepositoryPoller(path.toAbsolutePath().normalize(), git, lock);
    } catch (FolderInUseException | UnusableCloneException e) {
      git.close();
      throw e;
    } catch (IOException e) {
      git.close();
      throw unusable(path, FileProblem.describe(e));
    }
  }

  private static Git openGit(Path path) throws UnusableCloneException {
    Path dir = path.toAbsolutePath().normalize();
    if (!Files.exists(dir)) {
      throw unusable(path, "no such folder; make the observer's own clone of the repository to"
          + " watch first: " + CLONE_HINT);
    }
    try {
      return Git.open(dir.toFile());
    } catch (RepositoryNotFoundException e) {
      throw unusable(path, "not a git repository; give the observer its own clone of the"
          + " repository to watch: " + CLONE_HINT);
    } catch (IOException e) {
      throw unusable(path, "cannot open it as a git repository (" + e.getMessage() + ")");
    }
  }

  private static UnusableCloneException unusable(Path path, String reason) {
    return new UnusableCloneException("REPO " + path + ": " + reason);
  }

  /** The clone's folder (absolute). */
  public Path path() {
    return clone;
  }

  /** The clone's {@code .git} folder (absolute). */
  public Path gitDirectory() {
    return git.getRepository().getDirectory().toPath().toAbsolutePath();
  }

  /** Whether {@code commit} is the commit checked out now or one of its ancestors. */
  public boolean headContains(CommitId commit) throws IOException {
    ObjectId headId = git.getRepository().resolve(Constants.HEAD);
    if (headId == null) {
      return false;
    }
    try (RevWalk walk = new RevWalk(git.getRepository())) {
      RevCommit base = parseCommitIfPresent(walk, commit);
      return base != null && walk.isMergedInto(base, walk.parseCommit(headId));
    }
  }

  /** The commit checked out now, or empty if the clone has no commit yet. */
  public Optional<CommitId> head() throws IOException {
    ObjectId id = git.getRepository().resolve(Constants.HEAD);
    return Optional.ofNullable(id).map(RepositoryPoller::commitId);
  }

  /**
   * Fetches from {@code origin}, hard-resets the clone to the upstream branch (which also
   * repairs anything that put the clone out of sync), and returns the commits of the new HEAD
   * that are not ancestors of {@code since} (inclusive), oldest first. With no {@code since},
   * every commit of HEAD is new. If {@code since} is not an ancestor of the new HEAD (history was
   * rewritten), logs a WARN and returns just the new HEAD.
   *
   * @throws IOException if the repository cannot be read or its HEAD is detached
   * @throws GitAPIException if the reset or the fetch fails, e.g. origin is unreachable
   */
  public List<CommitId> pullNewCommits(Optional<CommitId> since)
      throws IOException, GitAPIException {
    Repository repository = git.getRepository();
    String branch = checkedOutBranch();
    // No reset before the fetch (the chapter resets twice): fetching does not touch the working
    // tree, and the reset below repairs whatever put it out of sync.
    git.fetch().setRemote(REMOTE).setTimeout(FETCH_TIMEOUT_SECONDS).call();
    String upstream = upstreamOf(branch);
    ObjectId upstreamHead = repository.resolve(upstream);
    if (upstreamHead == null) {
      log.debug("repo={} upstream={} has no commit yet", clone, upstream);
      return List.of();
    }
    // A hard reset to the upstream branch rather than a fast-forward merge: this clone belongs
    // to the observer and never has commits of its own, so following origin exactly loses
    // nothing, and it keeps working when origin's history is rewritten (a force push), where a
    // fast-forward would fail at every poll and the observer would never see a commit again.
    git.reset().setMode(ResetType.HARD).setRef(upstreamHead.name()).call();
    return commitsSince(upstreamHead, since);
  }

  private String checkedOutBranch() throws IOException {
    String fullBranch = git.getRepository().getFullBranch();
    if (fullBranch == null || !fullBranch.startsWith(Constants.R_HEADS)) {
      throw new IOException("HEAD of " + clone + " is detached; check out the branch to observe,"
          + " e.g. git -C " + clone + " checkout master");
    }
    return Repository.shortenRefName(fullBranch);
  }

  /** The remote-tracking ref of {@code branch} at origin, e.g. {@code refs/remotes/origin/main}. */
  private String upstreamOf(String branch) {
    BranchConfig config = new BranchConfig(git.getRepository().getConfig(), branch);
    String tracking = config.getRemoteTrackingBranch();
    if (tracking != null && REMOTE.equals(config.getRemote())) {
      return tracking;
    }
    return Constants.R_REMOTES + REMOTE + "/" + branch;
  }

  private List<CommitId> commitsSince(ObjectId newHead, Optional<CommitId> since)
      throws IOException {
    Repository repository = git.getRepository();
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit head = walk.parseCommit(newHead);
      RevCommit base = null;
      if (since.isPresent()) {
        base = parseCommitIfPresent(walk, since.get());
        if (base == null || !walk.isMergedInto(base, head)) {
          log.warn("history was rewritten: last dispatched commit={} is not an ancestor of"
              + " HEAD={}; dispatching only the new HEAD", since.get(), head.name());
          return List.of(commitId(head));
        }
      }
      walk.reset(); // isMergedInto used the walk; start afresh
      walk.markStart(head);
      if (base != null) {
        walk.markUninteresting(base);
      }
      walk.sort(RevSort.TOPO);
      walk.sort(RevSort.REVERSE, true);
      List<CommitId> commits = new ArrayList<>();
      for (RevCommit commit : walk) {
        commits.add(commitId(commit));
      }
      return commits;
    }
  }

  private static RevCommit parseCommitIfPresent(RevWalk walk, CommitId commit)
      throws IOException {
    if (!ObjectId.isId(commit.value())) {
      return null;
    }
    try {
      return walk.parseCommit(ObjectId.fromString(commit.value()));
    } catch (MissingObjectException | IncorrectObjectTypeException e) {
      return null;
    }
  }

  private static CommitId commitId(ObjectId id) {
    return new CommitId(id.name());
  }

  /** Closes the repository and releases the clone. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      git.close();
      lock.close();
    }
  }
}
