package dev.surveil.runner.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.surveil.protocol.CommitId;
import dev.surveil.runner.execution.TestCaseResult.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JUnitSourceExecutorTest {
  private static final CommitId COMMIT = new CommitId("c0ffee42c0ffee42c0ffee42c0ffee42c0ffee42");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Passes one test, then starts a `sleep` (writing its pid) and blocks forever. */
  static final String HANGING_TEST = """
      import java.nio.file.*;
      import java.util.concurrent.CountDownLatch;
      import org.junit.jupiter.api.*;

      @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
      class HangTest {
        @Test @Order(1) void passesFirst() {}

        @Test @Order(2) void hangs() throws Exception {
          Process sleep = new ProcessBuilder("sleep", "300").start();
          Files.writeString(Path.of("sleep.pid.tmp"), Long.toString(sleep.pid()));
          Files.move(Path.of("sleep.pid.tmp"), Path.of("sleep.pid"),
              StandardCopyOption.ATOMIC_MOVE);
          new CountDownLatch(1).await();
        }
      }
      """;

  @TempDir Path tempRoot;

  @AfterEach
  void leavesNoProcessAndNoTemporaryFiles() {
    await().atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
    assertThat(tempRoot).isEmptyDirectory();
  }

  private TestRunSummary run(TestCheckout checkout, Duration timeout) throws Exception {
    return new JUnitSourceExecutor(timeout, tempRoot).run(checkout.path(), COMMIT);
  }

  @Test
  void reportsOnePassingAndOneFailingTestOfTheBasicFixture() throws Exception {
    try (TestCheckout checkout = TestCheckout.fromFixture("basic")) {
      TestRunSummary summary = run(checkout, TIMEOUT);

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.FAILED);
      assertThat(summary.tests()).extracting(TestCaseResult::name, TestCaseResult::status)
          .containsExactlyInAnyOrder(
              tuple("PassingTest.onePlusOneIsTwo()", Status.PASSED),
              tuple("FailingTest.onePlusOneIsThree()",
                  Status.FAILED));
      TestCaseResult failing = summary.tests().stream()
          .filter(t -> t.status() == Status.FAILED).findFirst().orElseThrow();
      assertThat(failing.failure())
          .contains("1 + 1 should be 3")
          .contains("at FailingTest.onePlusOneIsThree(FailingTest.java:8)")
          .doesNotContain("org.junit.platform");
      List<String> lines = summary.report().lines().toList();
      assertThat(lines.get(0)).startsWith("commit c0ffee42c0ffee42c0ffee42c0ffee42c0ffee42: FAILED in ");
      assertThat(lines).last().isEqualTo("2 tests, 1 passed, 1 failed, 0 skipped");
      assertThat(summary.report()).contains("1 + 1 should be 3");
    }
  }

  @Test
  void passesWhenEveryTestPasses() throws Exception {
    try (TestCheckout checkout = TestCheckout.fromFixture("basic")) {
      Files.delete(checkout.path().resolve("tests/FailingTest.java"));

      TestRunSummary summary = run(checkout, TIMEOUT);

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.PASSED);
      assertThat(summary.report()).endsWith("1 tests, 1 passed, 0 failed, 0 skipped\n");
    }
  }

  @Test
  void reportsCompilerMessagesWhenTheTestsDoNotCompile() throws Exception {
    try (TestCheckout checkout = TestCheckout.fromFixture("basic")) {
      checkout.write("tests/BrokenTest.java", """
          class BrokenTest {
            int broken = "text";
          }
          """);

      TestRunSummary summary = run(checkout, TIMEOUT);

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.COMPILE_ERROR);
      assertThat(summary.detail())
          .contains("tests/BrokenTest.java:2: error: incompatible types");
      assertThat(summary.tests()).isEmpty();
    }
  }

  @Test
  void reportsCrashWithTheFinishedTestsWhenATestCallsSystemExit() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      checkout.write("tests/ExitTest.java", """
          import org.junit.jupiter.api.*;

          @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
          class ExitTest {
            @Test @Order(1) void passesFirst() {}

            @Test @Order(2) void exits() {
              System.out.println("about to exit");
              System.exit(3);
            }
          }
          """);

      TestRunSummary summary = run(checkout, TIMEOUT); // this JVM survives System.exit(3)

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.CRASHED);
      assertThat(summary.detail()).contains("exited with code 3").contains("about to exit");
      assertThat(summary.tests()).extracting(TestCaseResult::name)
          .containsExactly("ExitTest.passesFirst()");
      assertThat(summary.report()).endsWith("1 tests, 1 passed, 0 failed, 0 skipped\n");
    }
  }

  @Test
  void killsAHangingRunAndItsProcessesAtTheTimeout() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      checkout.write("tests/HangTest.java", HANGING_TEST);

      TestRunSummary summary = run(checkout, Duration.ofSeconds(3));

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.TIMED_OUT);
      assertThat(summary.detail()).contains("killed after 3s");
      assertThat(summary.tests()).extracting(TestCaseResult::name)
          .containsExactly("HangTest.passesFirst()");
      assertThat(summary.duration()).isBetween(Duration.ofSeconds(3), TIMEOUT);
      long grandchild = Long.parseLong(Files.readString(checkout.path().resolve("sleep.pid")));
      await().atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(grandchild).map(ProcessTree::isDead).orElse(true));
    }
  }

  @Test
  void killsTheTestJvmAndRethrowsWhenInterrupted() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty().write("tests/HangTest.java", HANGING_TEST);
        InterruptibleRun running = InterruptibleRun.start(() -> run(checkout, TIMEOUT))) {
      Path pidFile = checkout.path().resolve("sleep.pid");
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(pidFile));
      long grandchild = Long.parseLong(Files.readString(pidFile));

      running.interrupt();

      assertThat(running.pollFailure(Duration.ofSeconds(20)))
          .isInstanceOf(InterruptedException.class);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(grandchild).map(ProcessTree::isDead).orElse(true));
    }
  }

  @Test
  void finishesWhenATestLeaksANonDaemonThread() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      checkout.write("tests/LeakTest.java", """
          import java.util.concurrent.CountDownLatch;
          import org.junit.jupiter.api.Test;

          class LeakTest {
            @Test void leaksAThread() {
              new Thread(() -> {
                try {
                  new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }).start();
            }
          }
          """);

      TestRunSummary summary = run(checkout, TIMEOUT);

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.PASSED);
      assertThat(summary.duration()).isLessThan(TIMEOUT);
    }
  }

  @Test
  void countsDisabledTestsAsSkippedWithTheirReason() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      checkout.write("tests/SkipTest.java", """
          import org.junit.jupiter.api.*;

          class SkipTest {
            @Test void runs() {}

            @Disabled("not today") @Test void waits() {}
          }
          """);
      checkout.write("tests/SkippedClassTest.java", """
          import org.junit.jupiter.api.*;

          @Disabled("whole class") class SkippedClassTest {
            @Test void one() {}
          }
          """);

      TestRunSummary summary = run(checkout, TIMEOUT);

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.PASSED);
      assertThat(summary.tests())
          .filteredOn(t -> t.status() == Status.SKIPPED)
          .extracting(TestCaseResult::name, TestCaseResult::failure)
          .containsExactlyInAnyOrder(
              tuple("SkipTest.waits()", "not today"),
              tuple("SkippedClassTest.one()", "whole class"));
      assertThat(summary.report()).endsWith("3 tests, 1 passed, 0 failed, 2 skipped\n");
    }
  }

  @Test
  void runsTestsInPackagesInSubfolders() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      checkout.write("tests/com/example/math/AdderTest.java", """
          package com.example.math;

          import static org.junit.jupiter.api.Assertions.assertEquals;
          import org.junit.jupiter.api.Test;
          import org.junit.jupiter.params.ParameterizedTest;
          import org.junit.jupiter.params.provider.ValueSource;

          class AdderTest {
            @Test void addsTwoNumbers() { assertEquals(4, 2 + 2); }

            @ParameterizedTest @ValueSource(strings = {"a", "b"})
            void acceptsText(String text) { assertEquals(1, text.length()); }
          }
          """);

      TestRunSummary summary = run(checkout, TIMEOUT);

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.PASSED);
      assertThat(summary.tests()).extracting(TestCaseResult::name).containsExactlyInAnyOrder(
          "com.example.math.AdderTest.addsTwoNumbers()",
          "com.example.math.AdderTest.acceptsText(String) [1] a",
          "com.example.math.AdderTest.acceptsText(String) [2] b");
    }
  }

  @Test
  void reportsAFailingBeforeAllAsAFailedTestNamedAfterItsClass() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      checkout.write("tests/SetupTest.java", """
          import org.junit.jupiter.api.*;

          class SetupTest {
            @BeforeAll static void setUp() { throw new IllegalStateException("no database"); }

            @Test void needsTheDatabase() {}
          }
          """);

      TestRunSummary summary = run(checkout, TIMEOUT);

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.FAILED);
      assertThat(summary.tests()).singleElement().satisfies(test -> {
        assertThat(test.name()).isEqualTo("SetupTest");
        assertThat(test.failure()).contains("IllegalStateException: no database");
      });
    }
  }

  @Test
  void reportsAnErrorWhenTheCheckoutHasNoTestsFolder() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      TestRunSummary summary = run(checkout, TIMEOUT);

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.ERROR);
      assertThat(summary.detail()).contains("no tests/ folder");
      assertThat(summary.report()).endsWith("0 tests, 0 passed, 0 failed, 0 skipped\n");
    }
  }

  @Test
  void runsTheTestsWithTheCheckoutAsWorkingDirectory() throws Exception {
    try (TestCheckout checkout = TestCheckout.empty()) {
      checkout.write("data.txt", "from the checkout");
      checkout.write("tests/WorkingDirectoryTest.java", """
          import static org.junit.jupiter.api.Assertions.assertEquals;
          import java.nio.file.*;
          import org.junit.jupiter.api.Test;

          class WorkingDirectoryTest {
            @Test void readsAFileOfTheCheckout() throws Exception {
              assertEquals("from the checkout", Files.readString(Path.of("data.txt")));
            }
          }
          """);

      TestRunSummary summary = run(checkout, TIMEOUT);

      assertThat(summary.outcome()).as(summary.report()).isEqualTo(Outcome.PASSED);
      assertThat(summary.tests()).hasSize(1);
    }
  }
}
