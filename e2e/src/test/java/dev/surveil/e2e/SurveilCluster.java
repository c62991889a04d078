package dev.surveil.e2e;

import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.testing.GitRepoFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A whole Surveil installation for one test: a master repository built from the fixtures, a
 * dispatcher, runners and an observer, each a separate JVM on loopback with an ephemeral port,
 * each with its own clone. {@link #close()} kills every process and deletes every folder, and
 * prints the logs of a failed test first. Not thread-safe.
 */
final class SurveilCluster implements AutoCloseable {
  static final Duration START = Duration.ofSeconds(60);
  static final Duration RESULT = Duration.ofSeconds(120);

  final GitRepoFixture repo;
  private final Path logs;
  private final Path results;
  private final List<SurveilProcess> processes = new ArrayList<>();
  private int dispatcherPort;
  private SurveilProcess dispatcher;

  SurveilCluster() {
    repo = GitRepoFixture.createWithBasicTests();
    try {
      logs = Files.createDirectories(repo.root().resolve("logs"));
      results = repo.root().resolve("test_results");
    } catch (IOException e) {
      repo.close();
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the dispatcher and waits until it listens: on an ephemeral port the first time, and on
   * the same port and results folder when started again.
   */
  SurveilProcess startDispatcher(String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port",
        dispatcherPort == 0 ? "0" : String.valueOf(dispatcherPort), "--results-dir",
        results.toString()));
    args.addAll(List.of(extraArgs));
    dispatcher = start("dispatcher", "dispatcher", args);
    dispatcherPort = Integer.parseInt(
        dispatcher.awaitLog("dispatcher listening on 127\\.0\\.0\\.1:(\\d+)", START));
    return dispatcher;
  }

  /** The dispatcher started last. */
  SurveilProcess dispatcher() {
    if (dispatcher == null) {
      throw new IllegalStateException("start the dispatcher first");
    }
    return dispatcher;
  }

  /** Starts a runner with its own clone and waits until it has registered. */
  SurveilProcess startRunner(String name, String... extraArgs) {
    SurveilProcess runner = startRunnerUnregistered(name, extraArgs);
    runner.awaitLog("registered with dispatcher", START);
    return runner;
  }

  /**
   * Starts (or restarts) a runner with its own clone, made the first time, and waits only until
   * it listens: the dispatcher may be down.
   */
  SurveilProcess startRunnerUnregistered(String name, String... extraArgs) {
    return startRunnerFor(dispatcherAddress(), "127.0.0.1", name, extraArgs);
  }

  /**
   * Starts (or restarts) a runner with its own clone, made the first time, that listens on
   * {@code host} and reports to {@code dispatcher} (e.g. a chapter-style dispatcher in the test
   * JVM, which needs {@code localhost}: it reads {@code 127.0.0.1} as {@code 127}); waits only
   * until it listens.
   */
  SurveilProcess startRunnerFor(String dispatcher, String host, String name,
      String... extraArgs) {
    Path clone = repo.root().resolve(name);
    if (!Files.exists(clone)) {
      repo.cloneTo(name);
    }
    List<String> args = new ArrayList<>(List.of("--host", host, "--port", "0",
        "--dispatcher-server", dispatcher));
    args.addAll(List.of(extraArgs));
    args.add(clone.toString());
    SurveilProcess runner = start("runner", name, args);
    runner.awaitLog("runner listening on ", START);
    return runner;
  }

  /**
   * Starts (or restarts) an observer with its own clone, made the first time, and waits until it
   * observes. Its push-trigger port is ephemeral: see {@link #notifyObserver}.
   */
  SurveilProcess startObserver(String pollInterval, String... extraArgs) {
    return startObserverFor(dispatcherAddress(), pollInterval, extraArgs);
  }

  /** As {@link #startObserver}, dispatching to {@code dispatcher} (e.g. one in the test JVM). */
  SurveilProcess startObserverFor(String dispatcher, String pollInterval, String... extraArgs) {
    Path clone = repo.root().resolve("observer-clone");
    if (!Files.exists(clone)) {
      repo.cloneTo("observer-clone");
    }
    List<String> args = new ArrayList<>(List.of("--dispatcher-server", dispatcher,
        "--poll-interval", pollInterval, "--notify-port", "0"));
    args.addAll(List.of(extraArgs));
    args.add(clone.toString());
    SurveilProcess observer = start("observer", "observer", args);
    observer.awaitLog("observing ", START);
    return observer;
  }

  String dispatcherAddress() {
    if (dispatcherPort == 0) {
      throw new IllegalStateException("start the dispatcher first");
    }
    return "127.0.0.1:" + dispatcherPort;
  }

  /** Sends {@code dispatch:<commit>} to the dispatcher, as the observer would. */
  Reply dispatch(String commit) throws IOException {
    return new LineClient(Duration.ofSeconds(5), Duration.ofSeconds(10))
        .send(HostAndPort.parse(dispatcherAddress()), new Dispatch(CommitId.parse(commit)));
  }

  Path resultsDir() {
    return results;
  }

  Path resultFile(String commit) {
    return results.resolve(commit);
  }

  /** Waits for the commit's result file and returns its content. */
  String awaitResult(String commit) {
    Path file = resultFile(commit);
    Awaitility.await("result file for " + commit).atMost(RESULT)
        .pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(file));
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names of every file in the results folder. */
  List<String> resultFiles() {
    if (!Files.exists(results)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(results)) {
      // dot files are the dispatcher's own (its journal, a result being written)
      return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code program} with exactly {@code args}, logging to {@code <name>.log}, and waits for
   * nothing: for a start that is expected to fail, or that needs options of its own.
   */
  SurveilProcess start(String program, String name, List<String> args) {
    SurveilProcess process = SurveilProcess.start(program, name, logs, args);
    processes.add(process);
    return process;
  }

  /** Every process's log, for a failure message. */
  String logs() {
    StringBuilder all = new StringBuilder();
    java.util.Map<String, SurveilProcess> byName = new java.util.LinkedHashMap<>();
    processes.forEach(process -> byName.put(process.name(), process));
    for (SurveilProcess process : byName.values()) {
      all.append("----- ").append(process.name()).append(" (every start) -----\n")
          .append(process.allLogs());
    }
    return all.toString();
  }

  @Override
  public void close() {
    for (SurveilProcess process : processes) {
      process.close();
    }
    repo.close();
  }
}
