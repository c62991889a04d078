package dev.surveil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.surveil.lifecycle.UncaughtExceptions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@link ThreadCheck}, found by autodetection as every module finds it, run on the small test
 * classes below through the JUnit Platform's Launcher.
 */
class ThreadCheckTest {
  /** Opened by this test once the inner run is over, to end the thread a fixture leaked. */
  private static final CountDownLatch release = new CountDownLatch(1);
  private static volatile Thread leaked;

  @AfterEach
  void endTheLeakedThread() throws InterruptedException {
    release.countDown();
    if (leaked != null) {
      leaked.join(5_000);
    }
  }

  @Test
  void failsATestWhoseThreadDiesOfAnUncaughtException() {
    assertThat(failures(ThreadThatThrows.class)).singleElement().asString()
        .startsWith("thread \"doomed\" died of java.lang.IllegalStateException: boom");
  }

  @Test
  void failsATestWhoseEssentialThreadDiesThroughTheProductionPolicy() {
    assertThat(failures(EssentialThreadThatThrows.class)).singleElement().asString()
        .startsWith("thread \"essential\" died of java.lang.IllegalStateException: boom");
  }

  @Test
  void failsATestWhoseThreadOutlivesIt() {
    assertThat(failures(ThreadThatOutlivesItsTest.class)).singleElement().asString()
        .startsWith("1 thread(s) started by outlives() still alive 300ms after it:")
        .contains("\"left-behind\" TIMED_WAITING");
  }

  @Test
  void passesATestThatEndsItsThreadsAndOneThatExpectsADeath() {
    assertThat(failures(ThreadsThatEndWell.class)).isEmpty();
  }

  private static List<String> failures(Class<?> testClass) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(testClass))
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
        .configurationParameter(ThreadCheck.GRACE_PARAMETER, "300")
        .build(), listener);
    TestExecutionSummary summary = listener.getSummary();
    assertThat(summary.getTestsFoundCount()).as("tests run").isPositive();
    return summary.getFailures().stream()
        .map(failure -> String.valueOf(failure.getException().getMessage()))
        .collect(Collectors.toList());
  }

  private static void run(Thread thread) throws InterruptedException {
    thread.start();
    thread.join(5_000);
  }

  static class ThreadThatThrows {
    @Test
    void throwsOffTheTestThread() throws InterruptedException {
      run(new Thread(() -> {
        throw new IllegalStateException("boom");
      }, "doomed"));
    }
  }

  static class EssentialThreadThatThrows {
    @Test
    void throwsOnAnEssentialThread() throws InterruptedException {
      run(UncaughtExceptions.essential(new Thread(() -> {
        throw new IllegalStateException("boom");
      }, "essential")));
    }
  }

  static class ThreadThatOutlivesItsTest {
    @Test
    void outlives() {
      leaked = new Thread(() -> {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "left-behind");
      leaked.start();
    }
  }

  static class ThreadsThatEndWell {
    @Test
    void endsItsThread() throws InterruptedException {
      run(new Thread(() -> { }, "well-behaved"));
    }

    @Test
    @ExpectsThreadDeath("checks the death is allowed when expected")
    void killsAThreadOnPurpose() throws InterruptedException {
      run(new Thread(() -> {
        throw new IllegalStateException("expected");
      }, "sacrificed"));
    }
  }
}
