package dev.surveil.bench.scenario;

import dev.surveil.bench.process.LogMatch;
import dev.surveil.bench.process.Program;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.testing.GitRepoFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Surveil programs of one scenario, on loopback with ephemeral ports: a dispatcher, runners
 * and observers, each runner and observer with its own clone of a master repository built from
 * {@code test-repo-fixtures/basic}. {@link #close()} stops what it started, newest first, and
 * deletes the repositories. Not thread-safe.
 */
final class Cluster implements AutoCloseable {
  static final Duration START = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** A runner the cluster started: its process, the address it registered, its clone (checkout). */
  record Runner(Program program, HostAndPort address, Path checkout) {}

  private final BenchContext context;
  private final GitRepoFixture repo;
  private final List<Program> programs = new ArrayList<>();
  private HostAndPort dispatcher;
  private Program dispatcherProgram;
  private int observers;

  Cluster(BenchContext context) {
    this.context = context;
    this.repo = GitRepoFixture.createWithBasicTests();
    context.temporaryFolders().add(repo.root());
  }

  /** The master repository the observers watch and the runners fetch from. */
  GitRepoFixture repo() {
    return repo;
  }

  /** Starts the dispatcher on an ephemeral port with {@code extraArgs}; waits until it listens. */
  Program startDispatcher(String name, List<String> extraArgs) throws InterruptedException {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0",
        "--results-dir", repo.root().resolve("test_results-" + name).toString()));
    args.addAll(extraArgs);
    Program program = start("dispatcher", name, args);
    LogMatch listening = program.await("dispatcher listening on ([^: ]+):(\\d+)", START);
    dispatcher = new HostAndPort(listening.group(1), Integer.parseInt(listening.group(2)));
    dispatcherProgram = program;
    return program;
  }

  /** The address of the dispatcher started last. */
  HostAndPort dispatcher() {
    if (dispatcher == null) {
      throw new IllegalStateException("no dispatcher started yet");
    }
    return dispatcher;
  }

  /** The dispatcher started last. */
  Program dispatcherProgram() {
    if (dispatcherProgram == null) {
      throw new IllegalStateException("no dispatcher started yet");
    }
    return dispatcherProgram;
  }

  /**
   * Starts a runner with the clone {@code cloneName} (made on first use) and waits until it has
   * registered with the dispatcher.
   */
  Runner startRunner(String name, String cloneName) throws InterruptedException {
    Path clone = repo.root().resolve(cloneName);
    if (!Files.exists(clone)) {
      repo.cloneTo(cloneName);
    }
    Program program = start("runner", name, List.of("--host", "127.0.0.1", "--port", "0",
        "--dispatcher-server", dispatcher().toString(), clone.toString()));
    LogMatch listening = program.await("runner listening on ([^: ]+):(\\d+)", START);
    program.await("registered with dispatcher", START);
    return new Runner(program, new HostAndPort(listening.group(1),
        Integer.parseInt(listening.group(2))), clone);
  }

  /**
   * Starts an observer with a new clone and {@code extraArgs}; returns once it logs that it
   * observes, or throws if it exits first (e.g. on an option it does not know).
   */
  Program startObserver(List<String> extraArgs) throws InterruptedException {
    String name = "observer-" + ++observers;
    Path clone = repo.cloneTo(name + "-clone");
    List<String> args = new ArrayList<>(List.of("--dispatcher-server", dispatcher().toString()));
    args.addAll(extraArgs);
    args.add(clone.toString());
    Program program = start("observer", name, args);
    program.await("observing ", START);
    return program;
  }

  private Program start(String program, String name, List<String> args) {
    Program started = context.launcher().start(program, name, args);
    programs.add(started);
    return started;
  }

  /** Stops one program the cluster started (SIGTERM, then SIGKILL). */
  void stop(Program program) throws InterruptedException {
    program.stop(STOP_GRACE);
  }

  /**
   * Stops every program it started, newest first, and deletes the repositories. If interrupted,
   * it leaves the rest to the launcher's {@code close()}, which kills them.
   */
  @Override
  public void close() {
    try {
      for (int i = programs.size() - 1; i >= 0; i--) {
        programs.get(i).stop(STOP_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      repo.close();
    }
  }
}
