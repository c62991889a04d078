package dev.surveil.e2e;

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

  /** Starts the dispatcher on an ephemeral port and waits until it listens. */
  SurveilProcess startDispatcher(String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port",
        dispatcherPort == 0 ? "0" : String.valueOf(dispatcherPort), "--results-dir",
        results.toString()));
    args.addAll(List.of(extraArgs));
    SurveilProcess dispatcher = start("dispatcher", "dispatcher", args);
    dispatcherPort = Integer.parseInt(
        dispatcher.awaitLog("dispatcher listening on 127\\.0\\.0\\.1:(\\d+)", START));
    return dispatcher;
  }

  /** Starts a runner with its own clone and waits until it has registered. */
  SurveilProcess startRunner(String name) {
    Path clone = repo.root().resolve(name);
    if (!Files.exists(clone)) {
      repo.cloneTo(name);
    }
    SurveilProcess runner = start("runner", name, List.of("--host", "127.0.0.1", "--port", "0",
        "--dispatcher-server", dispatcherAddress(), clone.toString()));
    runner.awaitLog("registered with dispatcher", START);
    return runner;
  }

  /** Starts an observer with its own clone (made now) and waits until it observes. */
  SurveilProcess startObserver(String pollInterval) {
    Path clone = repo.cloneTo("observer-clone");
    SurveilProcess observer = start("observer", "observer", List.of("--dispatcher-server",
        dispatcherAddress(), "--poll-interval", pollInterval, clone.toString()));
    observer.awaitLog("observing ", START);
    return observer;
  }

  String dispatcherAddress() {
    if (dispatcherPort == 0) {
      throw new IllegalStateException("start the dispatcher first");
    }
    return "127.0.0.1:" + dispatcherPort;
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
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private SurveilProcess start(String program, String name, List<String> args) {
    SurveilProcess process = SurveilProcess.start(program, name, logs, args);
    processes.add(process);
    return process;
  }

  /** Every process's log, for a failure message. */
  String logs() {
    StringBuilder all = new StringBuilder();
    for (SurveilProcess process : processes) {
      all.append("----- ").append(process).append(" -----\n").append(process.log());
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
