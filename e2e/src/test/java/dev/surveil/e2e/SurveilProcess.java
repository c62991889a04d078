package dev.surveil.e2e;

import dev.surveil.bench.process.ResidentMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * One Surveil program started from its built jar as a separate JVM, its output going to a log
 * file the test reads. {@link #close()} kills it and its descendants. Not thread-safe.
 */
final class SurveilProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final long logStart;

  private SurveilProcess(String name, Process process, Path log, long logStart) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.logStart = logStart;
  }

  /** The repository root, where the built jars and the scripts are. */
  static Path root() {
    String root = System.getProperty("surveil.root");
    return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
  }

  /** The runnable jar of {@code program}, built by {@code mvn package}. */
  static Path jar(String program) {
    Path jar = root().resolve(program).resolve("target").resolve("surveil-" + program + ".jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing; run mvn package first");
    }
    return jar;
  }

  /**
   * Starts {@code java -jar surveil-<program>.jar args...}, appending to {@code logDir/name.log};
   * a restarted program (same name) appends to the same file, and {@link #log()} gives only what
   * this start wrote.
   */
  static SurveilProcess start(String program, String name, Path logDir, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar(program).toString());
    command.addAll(args);
    Path log = logDir.resolve(name + ".log");
    try {
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      return new SurveilProcess(name, process, log, logStart);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** The highest resident memory the process has had since it started, in MiB (Linux only). */
  double peakResidentMebibytes() {
    return ResidentMemory.peakMebibytes(process.pid()).orElseThrow(
        () -> new IllegalStateException("no VmHWM for " + this + " in /proc"));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Everything this start of the program has logged so far. */
  String log() {
    byte[] bytes = logBytes();
    int start = (int) Math.min(logStart, bytes.length);
    return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
  }

  /** Everything every start of a program with this name has logged so far. */
  String allLogs() {
    return new String(logBytes(), StandardCharsets.UTF_8);
  }

  private byte[] logBytes() {
    try {
      return Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the log holds {@code text}. */
  boolean logged(String text) {
    return log().contains(text);
  }

  /** Waits until the log matches {@code regex}; returns group 1 (or the whole match). */
  String awaitLog(String regex, Duration atMost) {
    Pattern pattern = Pattern.compile(regex);
    String[] found = new String[1];
    Awaitility.await(name + " logs /" + regex + "/").atMost(atMost)
        .pollInterval(Duration.ofMillis(50)).until(() -> {
          if (!process.isAlive() && !pattern.matcher(log()).find()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue()
                + " before logging /" + regex + "/:\n" + log());
          }
          Matcher m = pattern.matcher(log());
          if (m.find()) {
            found[0] = m.groupCount() > 0 ? m.group(1) : m.group();
            return true;
          }
          return false;
        });
    return found[0];
  }

  /** Waits at most {@code atMost} for the program to exit by itself; returns its exit code. */
  int awaitExit(Duration atMost) throws InterruptedException {
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still running after " + atMost + ":\n" + log());
    }
    return process.exitValue();
  }

  /** Sends SIGKILL, as {@code kill -9} does, and waits for the process to die. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) with {@code kill}. */
  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
        .redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** Sends SIGTERM and waits for the exit code. */
  int stop(Duration atMost) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " did not stop within " + atMost);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    try {
      signal("CONT"); // a stopped JVM cannot be waited for until it runs again
    } catch (IOException | InterruptedException | IllegalStateException e) {
      // it is gone already
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
