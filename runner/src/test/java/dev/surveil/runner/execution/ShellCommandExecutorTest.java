package dev.surveil.runner.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.surveil.protocol.CommitId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellCommandExecutorTest {
  private static final CommitId COMMIT = new CommitId("abcdef01".repeat(5));
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path tempRoot;
  private TestCheckout checkout;

  @BeforeEach
  void createCheckout() throws Exception {
    checkout = TestCheckout.empty().write("greeting.txt", "hello from the checkout\n");
  }

  @AfterEach
  void leavesNoProcessAndNoTemporaryFiles() {
    checkout.close();
    await().atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
    assertThat(tempRoot).isEmptyDirectory();
  }

  private TestRunSummary run(String command, Duration timeout) throws Exception {
    return new ShellCommandExecutor(command, timeout, tempRoot).run(checkout.path(), COMMIT);
  }

  @Test
  void passesWhenTheCommandExitsZero() throws Exception {
    TestRunSummary summary = run("cat greeting.txt", TIMEOUT);

    assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.PASSED);
    assertThat(summary.detail())
        .isEqualTo("hello from the checkout\ncommand `cat greeting.txt` exited with code 0");
    assertThat(summary.report().lines().toList()).last()
        .isEqualTo("0 tests, 0 passed, 0 failed, 0 skipped");
  }

  @Test
  void failsWithTheMergedOutputWhenTheCommandExitsNonZero() throws Exception {
    TestRunSummary summary = run("echo out; echo err >&2; exit 7", TIMEOUT);

    assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.FAILED);
    assertThat(summary.detail()).contains("out\n", "err\n")
        .endsWith("command `echo out; echo err >&2; exit 7` exited with code 7");
  }

  @Test
  void killsTheCommandAndItsChildrenAtTheTimeout() throws Exception {
    TestRunSummary summary = run("sleep 300 & echo $! > sleep.pid; wait", Duration.ofSeconds(1));

    assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(summary.detail()).contains("was killed after 1s");
    long sleepPid = Long.parseLong(
        Files.readString(checkout.path().resolve("sleep.pid")).trim());
    await().atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(sleepPid).map(ProcessTree::isDead).orElse(true));
  }

  @Test
  void keepsOnlyTheLastMebibyteOfOutput() throws Exception {
    TestRunSummary summary = run(
        "head -c 3000000 /dev/zero | tr '\\0' x; echo; echo the end", TIMEOUT);

    assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.PASSED);
    assertThat(summary.detail().length())
        .isBetween(ShellCommandExecutor.OUTPUT_LIMIT, ShellCommandExecutor.OUTPUT_LIMIT + 200);
    assertThat(summary.detail()).startsWith("[... ").contains("bytes of output dropped")
        .contains("xxx\nthe end\n");
  }

  @Test
  void killsTheCommandAndRethrowsWhenInterrupted() throws Exception {
    try (InterruptibleRun running = InterruptibleRun.start(
        () -> run("sleep 300 & echo $! > sleep.pid; wait", TIMEOUT))) {
      Path pidFile = checkout.path().resolve("sleep.pid");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());

      running.interrupt();

      assertThat(running.pollFailure(Duration.ofSeconds(20)))
          .isInstanceOf(InterruptedException.class);
      long sleepPid = Long.parseLong(Files.readString(pidFile).trim());
      await().atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(sleepPid).map(ProcessTree::isDead).orElse(true));
    }
  }

  @Test
  void doesNotPassTheRunnerTokenToTheCommand() throws Exception {
    Path output = tempRoot.resolve("output");
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", "echo token=${SURVEIL_TOKEN:-unset}");
    builder.environment().put(ChildProcess.TOKEN_VARIABLE, "secret");

    ChildProcess.Ending ending = ChildProcess.run(builder, new OutputTail(output, 1024), TIMEOUT);

    assertThat(ending).isEqualTo(new ChildProcess.Ending(false, 0));
    assertThat(Files.readAllLines(output)).isEqualTo(List.of("token=unset"));
    Files.delete(output);
  }

  @Test
  void rejectsABlankCommand() {
    assertThatThrownBy(() -> new ShellCommandExecutor(" ", TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
  }
}
