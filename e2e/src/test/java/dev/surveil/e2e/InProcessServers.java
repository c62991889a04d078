package dev.surveil.e2e;

import static org.awaitility.Awaitility.await;

import dev.surveil.dispatcher.DispatcherService;
import dev.surveil.dispatcher.DispatcherSettings;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.runner.PortRange;
import dev.surveil.runner.RepositoryCheckout;
import dev.surveil.runner.RunnerService;
import dev.surveil.runner.RunnerSettings;
import dev.surveil.runner.execution.JUnitSourceExecutor;
import dev.surveil.runner.execution.TestExecutor;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.testing.LogRecorder;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A live dispatcher and a live runner in this JVM (the tests of a commit still run in a child
 * JVM), on 127.0.0.1 with ephemeral ports, over a real temporary git repository, with their INFO
 * log lines recorded. The runner is registered when the constructor returns. {@link #close()}
 * stops both and deletes every file. Not thread-safe.
 */
final class InProcessServers implements AutoCloseable {
  private final GitRepoFixture repo = GitRepoFixture.createWithBasicTests();
  private final LogRecorder logs = LogRecorder.record("dev.surveil");
  private final Path resultsDir = repo.root().resolve("test_results");
  private final ServerOptions dispatcherOptions;
  private HostAndPort dispatcherAddress;
  private DispatcherService dispatcher;
  private RunnerService runner;
  private RepositoryCheckout checkout;

  /** Starts both; the dispatcher's server uses {@code dispatcherOptions}. */
  InProcessServers(ServerOptions dispatcherOptions) {
    this(dispatcherOptions,
        checkout -> new JUnitSourceExecutor(Duration.ofMinutes(2), checkout.workRoot()));
  }

  /**
   * Starts both; the dispatcher's server uses {@code dispatcherOptions}, and the runner tests
   * with the executor {@code executor} makes for its checkout.
   */
  InProcessServers(ServerOptions dispatcherOptions,
      Function<RepositoryCheckout, TestExecutor> executor) {
    this.dispatcherOptions = dispatcherOptions;
    try {
      dispatcher = startDispatcher(0);
      dispatcherAddress = new HostAndPort("127.0.0.1", dispatcher.localAddress().getPort());
      checkout = RepositoryCheckout.open(repo.cloneTo("runner"));
      runner = new RunnerService(
          new RunnerSettings("127.0.0.1", PortRange.of(0), dispatcher(), Duration.ofSeconds(10)),
          checkout, executor.apply(checkout), Ticker.SYSTEM);
      runner.start();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> !logs.messagesStartingWith("registered runner ").isEmpty());
    } catch (IOException | RuntimeException e) {
      close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private DispatcherService startDispatcher(int port) throws IOException {
    DispatcherService started = new DispatcherService(new DispatcherSettings(
        new InetSocketAddress("127.0.0.1", port), resultsDir, Duration.ofMillis(500),
        Duration.ofSeconds(2), dispatcherOptions));
    started.start();
    return started;
  }

  /** Closes the dispatcher, leaving its journal and results, until {@link #restartDispatcher}. */
  void closeDispatcher() {
    dispatcher.close();
  }

  /** Starts the dispatcher again, from its journal, on the port it had. */
  void restartDispatcher() throws IOException {
    dispatcher = startDispatcher(dispatcherAddress.port());
  }

  HostAndPort dispatcher() {
    return dispatcherAddress;
  }

  HostAndPort runner() {
    return new HostAndPort("127.0.0.1", runner.localAddress().getPort());
  }

  GitRepoFixture repo() {
    return repo;
  }

  Path resultsDir() {
    return resultsDir;
  }

  /** The log lines of both servers, at INFO and above. */
  LogRecorder logs() {
    return logs;
  }

  /** The log lines of both servers so far that start with {@code prefix}. */
  List<String> logLines(String prefix) {
    return logs.messagesStartingWith(prefix);
  }

  /** The result files (the journal and temporary files start with a dot and are left out). */
  List<String> resultFiles() throws IOException {
    if (!Files.isDirectory(resultsDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(resultsDir)) {
      return files.map(file -> file.getFileName().toString())
          .filter(name -> !name.startsWith(".")).sorted().collect(Collectors.toList());
    }
  }

  /**
   * Files and folders whose names contain {@code fragment}: anywhere under the test's root, and
   * directly in the working directory, the temporary directory and {@code /}, which is where a
   * path from a request could lead.
   */
  List<Path> filesNamedLike(String fragment) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(repo.root())) {
      files.filter(file -> named(file, fragment)).forEach(found::add);
    }
    // Only listed, not walked: other programs' files there may come and go meanwhile.
    for (Path dir : List.of(Path.of("").toAbsolutePath(),
        Path.of(System.getProperty("java.io.tmpdir")), Path.of("/"))) {
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(file -> named(file, fragment)).forEach(found::add);
      }
    }
    return found;
  }

  private static boolean named(Path file, String fragment) {
    return file.getFileName() != null && file.getFileName().toString().contains(fragment);
  }

  @Override
  public void close() {
    try {
      if (runner != null) {
        runner.close();
      }
    } finally {
      try {
        if (checkout != null) {
          checkout.close();
        }
        if (dispatcher != null) {
          dispatcher.close();
        }
      } finally {
        logs.close();
        repo.close();
      }
    }
  }
}
