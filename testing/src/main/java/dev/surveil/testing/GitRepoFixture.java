package dev.surveil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A real git "master" repository in a temporary folder, built from {@code test-repo-fixtures/},
 * with helpers to commit to it and to clone it (as the chapter's walk-through does by hand).
 * Not thread-safe. {@link #close()} deletes every folder it made.
 */
public final class GitRepoFixture implements AutoCloseable {
  private final Path root;
  private final Path master;
  private final Git git;

  private GitRepoFixture(Path root) throws IOException, GitAPIException {
    this.root = root;
    this.master = root.resolve("master");
    this.git = Git.init().setDirectory(master.toFile()).setInitialBranch("master").call();
  }

  /** A new, empty master repository in a new temporary folder. */
  public static GitRepoFixture createEmpty() {
    try {
      return new GitRepoFixture(Files.createTempDirectory("surveil-repo"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new master repository whose first commit holds the {@code basic} fixture. */
  public static GitRepoFixture createWithBasicTests() {
    GitRepoFixture fixture = createEmpty();
    fixture.commitFixture("basic", "add tests");
    return fixture;
  }

  /** The folder of {@code test-repo-fixtures/} (from the {@code surveil.root} property). */
  public static Path fixturesDir() {
    String root = System.getProperty("surveil.root");
    Path dir = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("test-repo-fixtures"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("test-repo-fixtures not found; set -Dsurveil.root");
    }
    return dir.resolve("test-repo-fixtures");
  }

  /** The master repository's working tree. */
  public Path master() {
    return master;
  }

  /** The temporary folder holding the master repository and every clone. */
  public Path root() {
    return root;
  }

  /** Clones the master repository into {@code root()/name} and returns its path. */
  public Path cloneTo(String name) {
    Path target = root.resolve(name);
    try (Git clone = Git.cloneRepository().setURI(master.toUri().toString())
        .setDirectory(target.toFile()).call()) {
      return target;
    } catch (GitAPIException e) {
      throw new IllegalStateException("clone failed: " + e.getMessage(), e);
    }
  }

  /** Copies {@code test-repo-fixtures/<name>/} over the working tree and commits it. */
  public String commitFixture(String name, String message) {
    Path source = fixturesDir().resolve(name);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = master.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return commitAll(message);
  }

  /** Writes {@code files} (path relative to the repository → content) and commits them. */
  public String commit(String message, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> entry : files.entrySet()) {
        Path target = master.resolve(entry.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, entry.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return commitAll(message);
  }

  /** Commits a change to a file named {@code new_file}, as the chapter's walk-through does. */
  public String commitTrivialChange(String content) {
    return commit("change " + content, Map.of("new_file", content));
  }

  /** The id of the master repository's HEAD commit. */
  public String head() {
    try {
      return git.getRepository().resolve("HEAD").name();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String commitAll(String message) {
    try {
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("Surveil Test", "test@surveil.dev");
      RevCommit commit = git.commit().setMessage(message).setAuthor(who).setCommitter(who)
          .setSign(false).call();
      return commit.getName();
    } catch (GitAPIException e) {
      throw new IllegalStateException("commit failed: " + e.getMessage(), e);
    }
  }

  /** Deletes the master repository and every clone. */
  @Override
  public void close() {
    git.close();
    deleteRecursively(root);
  }

  /** Deletes {@code dir} and everything in it; missing files are ignored. */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
