package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.surveil.testing.ChapterDispatcher;
import dev.surveil.testing.ChapterRunner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The observer with a {@link ChapterDispatcher} that holds each {@code dispatch} connection open
 * for 15 s after its {@code OK}, as the chapter's dispatcher does while its runners are busy:
 * longer than the observer's 10 s read timeout. Each commit must be dispatched once.
 */
class ObserverChapterDispatcherTest {
  private static final Duration HOLD = Duration.ofSeconds(15);

  @RegisterExtension
  final ObserverFixture fixture = ObserverFixture.create();
  private final ChapterDispatcher dispatcher = ChapterDispatcher.start();
  private ChapterRunner runner;

  @AfterEach
  void closeChapterPrograms() {
    try {
      if (runner != null) {
        runner.close();
      }
    } finally {
      dispatcher.close();
    }
  }

  private Map<String, Long> dispatchesPerCommit(List<String> commits) {
    Map<String, Long> counts = new LinkedHashMap<>();
    commits.forEach(commit -> counts.put(commit, dispatcher.count("dispatch", commit)));
    return counts;
  }

  @Test
  void sendsOneDispatchPerCommitToADispatcherThatHoldsItOpen() throws Exception {
    runner = ChapterRunner.start("chapter-runner", dispatcher.address());
    runner.finishEveryTest();
    dispatcher.holdRepliesOpen(HOLD, "dispatch");
    List<String> commits = List.of(fixture.repo().commitTrivialChange("one"),
        fixture.repo().commitTrivialChange("two"));

    fixture.observe(dispatcher.address(), Duration.ofMillis(200), null).start();

    // Once every dispatch connection has closed, 15 s after its OK, any dispatch the observer
    // repeated after its 10 s read timeout has arrived.
    await("each commit dispatched once, and every dispatch connection closed")
        .atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
          assertThat(dispatchesPerCommit(commits)).as("dispatches per commit")
              .isEqualTo(Map.of(commits.get(0), 1L, commits.get(1), 1L));
          assertThat(dispatcher.allClosed("dispatch")).as("dispatch connections closed").isTrue();
          for (String commit : commits) {
            assertThat(dispatcher.report(commit)).contains(runner.reportFor(commit));
          }
        });
    assertThat(fixture.logs().messages(Level.WARN)).isEmpty();
  }
}
