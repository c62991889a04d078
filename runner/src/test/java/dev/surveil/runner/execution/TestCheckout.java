package dev.surveil.runner.execution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A temporary folder standing in for a checked-out commit (no git needed): fixture folders from
 * {@code test-repo-fixtures/} and inline files laid over it. Deleted on close. Not thread-safe.
 */
final class TestCheckout implements AutoCloseable {
  private final WorkFolder folder;

  private TestCheckout(WorkFolder folder) {
    this.folder = folder;
  }

  static TestCheckout empty() throws IOException {
    return new TestCheckout(WorkFolder.create(null, "surveil-checkout-"));
  }

  /** A checkout holding the files of {@code test-repo-fixtures/<name>}. */
  static TestCheckout fromFixture(String name) throws IOException {
    TestCheckout checkout = empty();
    Path fixture = fixturesRoot().resolve(name);
    try (Stream<Path> files = Files.walk(fixture)) {
      files.filter(Files::isRegularFile).forEach(file -> {
        Path target = checkout.path().resolve(fixture.relativize(file).toString());
        try {
          Files.createDirectories(target.getParent());
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return checkout;
  }

  private static Path fixturesRoot() {
    String root = System.getProperty("surveil.root", "..");
    Path fixtures = Path.of(root, "test-repo-fixtures");
    if (!Files.isDirectory(fixtures)) {
      throw new IllegalStateException("no test-repo-fixtures folder at " + fixtures);
    }
    return fixtures;
  }

  /** Writes {@code content} to {@code relativePath}, creating folders as needed. */
  TestCheckout write(String relativePath, String content) throws IOException {
    Path target = path().resolve(relativePath);
    Files.createDirectories(target.getParent());
    Files.writeString(target, content, StandardCharsets.UTF_8);
    return this;
  }

  Path path() {
    return folder.path();
  }

  @Override
  public void close() {
    folder.close();
  }
}
