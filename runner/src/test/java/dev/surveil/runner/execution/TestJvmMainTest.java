package dev.surveil.runner.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test JVM must not outlive the runner that started it, however the runner dies. */
class TestJvmMainTest {
  private static final Duration GONE_WITHIN = Duration.ofSeconds(15);

  @TempDir Path temp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killWhatTheTestStarted() {
    started.forEach(process -> ProcessTree.kill(process.toHandle()));
    await().atMost(GONE_WITHIN)
        .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void testJvmAndItsProcessesDieWhenTheRunnerIsKilled() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      checkout.write("tests/HangTest.java", JUnitSourceExecutorTest.HANGING_TEST);
      Process runner = start(new ProcessBuilder(javaCommand(), "-cp",
          System.getProperty("java.class.path"), RunnerStandInMain.class.getName(),
          checkout.path().toString(), temp.toString()));
      long sleepPid = awaitPid(checkout.path().resolve("sleep.pid"), runner);
      ProcessHandle testJvm = runner.descendants()
          .filter(p -> p.info().commandLine().orElse("").contains(TestJvmMain.class.getName()))
          .findFirst().orElseThrow();

      runner.destroyForcibly();

      await().atMost(GONE_WITHIN).until(() -> ProcessTree.isDead(testJvm));
      await().atMost(GONE_WITHIN).until(() -> isGone(sleepPid));
    }
  }

  @Test
  void testJvmHaltsWhenTheRunnerPidExitsEvenWithStdinOpen() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      checkout.write("tests/HangTest.java", JUnitSourceExecutorTest.HANGING_TEST);
      Path classes = Files.createDirectory(temp.resolve("classes"));
      List<String> errors = new TestSourceCompiler(ToolProvider.getSystemJavaCompiler())
          .compile(checkout.path(), List.of(checkout.path().resolve("tests/HangTest.java")),
              TestClasspath.entries(), classes);
      assertThat(errors).isEmpty();
      Process fakeRunner = start(new ProcessBuilder("sleep", "300"));
      List<String> command = new ArrayList<>(JUnitSourceExecutor.testJvmCommand(classes,
          TestClasspath.entries(), temp.resolve("results")));
      command.set(command.size() - 3, Long.toString(fakeRunner.pid()));
      Process testJvm = start(new ProcessBuilder(command).directory(checkout.path().toFile()));
      long sleepPid = awaitPid(checkout.path().resolve("sleep.pid"), testJvm);

      fakeRunner.destroyForcibly();

      await().atMost(GONE_WITHIN).until(() -> !testJvm.isAlive());
      assertThat(testJvm.exitValue()).isEqualTo(TestJvmMain.EXIT_ORPHANED);
      await().atMost(GONE_WITHIN).until(() -> isGone(sleepPid));
      assertThat(output(testJvm)).contains("the runner is gone");
    }
  }

  /** Starts a process whose stdout and stderr go to a file named after its position. */
  private Process start(ProcessBuilder builder) throws Exception {
    builder.redirectErrorStream(true)
        .redirectOutput(temp.resolve("output-" + started.size()).toFile());
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private String output(Process process) {
    try {
      return Files.readString(temp.resolve("output-" + started.indexOf(process)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the hanging test wrote the pid of its `sleep`, failing if `process` dies. */
  private long awaitPid(Path pidFile, Process process) throws Exception {
    await().atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(pidFile) || !process.isAlive());
    assertThat(pidFile).as(() -> "process died; its output: " + output(process)).exists();
    return Long.parseLong(Files.readString(pidFile).trim());
  }

  private static boolean isGone(long pid) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    return process.isEmpty() || ProcessTree.isDead(process.get());
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
