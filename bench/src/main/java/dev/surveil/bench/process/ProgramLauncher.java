package dev.surveil.bench.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Surveil's programs through their launch scripts ({@code scripts/<program>}, which exec
 * {@code java} with the scripts' JVM flags and {@code SURVEIL_JAVA_OPTS} on the shaded jar
 * {@code <program>/target/surveil-<program>.jar}), so the bench measures what users run. Keeps
 * track of them
 * so that {@link #close()} stops every one it started, and whatever they started. Thread-safe.
 */
public final class ProgramLauncher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProgramLauncher.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path root;
  private final Path logDir;
  private final List<Program> started = new ArrayList<>();
  private boolean closed;

  /**
   * @param root the repository root, where the jars are built
   * @param logDir where each program's output is copied, as {@code <name>.log}
   */
  public ProgramLauncher(Path root, Path logDir) {
    this.root = root;
    this.logDir = logDir;
  }

  /** The built jar of {@code program}. */
  public Path jar(String program) {
    return root.resolve(program).resolve("target").resolve("surveil-" + program + ".jar");
  }

  /**
   * Starts {@code program} with {@code args}, its output going to {@code <name>.log}; a name
   * used before gets a numbered log file.
   *
   * @throws IllegalStateException if the jar is missing or the launcher is closed
   */
  public synchronized Program start(String program, String name, List<String> args) {
    if (closed) {
      throw new IllegalStateException("launcher is closed; not starting " + name);
    }
    Path jar = jar(program);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing; scripts/bench builds it");
    }
    // The launch script execs java in place, with the JVM flags a user gets (its defaults, then
    // SURVEIL_JAVA_OPTS from the environment), so the process is the program itself.
    List<String> command = new ArrayList<>();
    command.add(root.resolve("scripts").resolve(program).toString());
    command.addAll(args);
    try {
      Program started = Program.start(name, command, logFile(name));
      this.started.add(started);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private Path logFile(String name) {
    Path file = logDir.resolve(name + ".log");
    for (int n = 2; Files.exists(file); n++) {
      file = logDir.resolve(name + "-" + n + ".log");
    }
    return file;
  }

  /**
   * Stops every program still running: SIGTERM to all, then SIGKILL to those still alive after
   * 10 s, and to everything they started. Idempotent.
   */
  @Override
  public synchronized void close() {
    closed = true;
    Map<Program, List<ProcessHandle>> children = new LinkedHashMap<>();
    for (Program program : started) {
      children.put(program, program.descendants());
      program.requestStop();
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    try {
      for (Program program : started) {
        program.awaitExit(Duration.ofNanos(deadline - System.nanoTime()));
        program.killAll(children.get(program));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted while stopping the programs; killing them");
      children.forEach((program, kids) -> {
        kids.forEach(ProcessHandle::destroyForcibly);
        ProcessHandle.of(program.pid()).ifPresent(ProcessHandle::destroyForcibly);
      });
    }
  }
}
