package dev.surveil.bench.process;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One program the bench started as a separate process. A daemon thread reads its merged
 * stdout and stderr as they come, into a {@link ProgramLog} to wait on and a log file to read
 * after a failure. Thread-safe.
 */
public final class Program {
  private static final Logger log = LoggerFactory.getLogger(Program.class);

  private final String name;
  private final Process process;
  private final ProgramLog programLog;

  private Program(String name, Process process) {
    this.name = name;
    this.process = process;
    this.programLog = new ProgramLog(name, ZoneId.systemDefault());
  }

  /** Starts {@code command}, copying its output to {@code logFile} as well. */
  static Program start(String name, List<String> command, Path logFile) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // the bench measures the default set-up, and its own clients do not sign requests
    builder.environment().remove("SURVEIL_TOKEN");
    Process process = builder.start();
    Program program = new Program(name, process);
    Thread pump = new Thread(() -> program.pump(logFile), "bench-log " + name);
    pump.setDaemon(true);
    pump.start();
    return program;
  }

  private void pump(Path logFile) {
    try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        programLog.append(line, System.currentTimeMillis());
        out.write(line);
        out.newLine();
        out.flush();
      }
      programLog.end("its output closed");
    } catch (IOException e) {
      log.debug("reading the output of {} failed: {}", name, e.toString());
      programLog.end("reading its output failed: " + e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What it has logged so far. */
  public ProgramLog log() {
    return programLog;
  }

  /** Waits for a line matching {@code regex} logged after line {@code from}. */
  public LogMatch await(String regex, int from, Duration timeout) throws InterruptedException {
    return programLog.await(Pattern.compile(regex), from, timeout);
  }

  /** Waits for a line matching {@code regex}, from the first line on. */
  public LogMatch await(String regex, Duration timeout) throws InterruptedException {
    return await(regex, 0, timeout);
  }

  /** Its RSS now, in MiB. */
  public OptionalDouble rssMebibytes() {
    return ResidentMemory.mebibytes(pid());
  }

  /** The CPU time it has used so far, in ms (empty once it is gone). */
  public OptionalLong cpuMillis() {
    return CpuTime.millis(pid());
  }

  /**
   * Its CPU use over the next {@code window}, in percent of one core: blocks for the window.
   *
   * @throws IllegalStateException if it exits meanwhile
   */
  public double cpuPercentOver(Duration window) throws InterruptedException {
    long before = cpuMillis().orElseThrow(() -> new IllegalStateException(this + " is gone"));
    long start = System.nanoTime();
    Thread.sleep(window.toMillis());
    long used = cpuMillis().orElseThrow(() -> new IllegalStateException(this + " is gone"))
        - before;
    return 100.0 * used / ((System.nanoTime() - start) / 1e6);
  }

  /** The processes it started that are still alive (e.g. a runner's test JVM). */
  public List<ProcessHandle> descendants() {
    return process.descendants().toList();
  }

  /** Sends SIGKILL, as {@code kill -9} does, and waits for it to die. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * Sends SIGTERM, waits up to {@code grace} for it to exit, then sends SIGKILL; kills what it
   * started too. Returns at once if it has already exited.
   */
  public void stop(Duration grace) throws InterruptedException {
    List<ProcessHandle> children = descendants();
    requestStop();
    awaitExit(grace);
    killAll(children);
  }

  /** Sends SIGTERM (the programs' shutdown hooks then close them); does not wait. */
  void requestStop() {
    process.destroy();
  }

  /** Waits up to {@code timeout} for it to exit; true if it has. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** SIGKILLs it if it is still alive, and {@code children}, then waits for it to die. */
  void killAll(List<ProcessHandle> children) throws InterruptedException {
    if (process.isAlive()) {
      log.warn("{} did not stop after SIGTERM; killing it", name);
      process.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }
}
