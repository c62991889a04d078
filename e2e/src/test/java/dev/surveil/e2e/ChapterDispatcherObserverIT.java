package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.testing.ChapterDispatcher;
import dev.surveil.testing.ChapterRunner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 10: a Surveil observer (a separate process) with a chapter-style dispatcher that holds
 * every reply's connection open for 15 s, longer than the observer's 10 s read timeout (the
 * chapter's dispatcher keeps a {@code dispatch} open until a runner takes the commit). Each commit
 * must be dispatched once.
 */
@ExtendWith(ClusterExtension.class)
class ChapterDispatcherObserverIT {
  private static final Duration HOLD = Duration.ofSeconds(15);

  @Test
  @Timeout(240)
  void theObserverDispatchesEachCommitOnceToADispatcherThatHoldsRepliesOpen(
      SurveilCluster cluster) throws Exception {
    try (ChapterDispatcher dispatcher = ChapterDispatcher.start();
        ChapterRunner runner = ChapterRunner.start("chapter-runner", dispatcher.address())) {
      runner.finishEveryTest();
      dispatcher.holdRepliesOpen(HOLD);
      SurveilProcess observer = cluster.startObserverFor(dispatcher.address().toString(), "500ms");
      List<String> commits = List.of(cluster.repo.commitTrivialChange("one"),
          cluster.repo.commitTrivialChange("two"), cluster.repo.commitTrivialChange("three"));

      // Once every dispatch connection has closed, 15 s after its OK, any dispatch the observer
      // repeated after its 10 s read timeout has arrived.
      Awaitility.await("each commit dispatched once, and every dispatch connection closed")
          .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> {
            assertThat(dispatchesPerCommit(dispatcher, commits)).as("dispatches per commit")
                .isEqualTo(Map.of(commits.get(0), 1L, commits.get(1), 1L, commits.get(2), 1L));
            assertThat(dispatcher.allClosed("dispatch")).as("dispatches closed").isTrue();
            for (String commit : commits) {
              assertThat(dispatcher.report(commit)).contains(runner.reportFor(commit));
            }
          });

      for (String commit : commits) {
        assertThat(observer.log()).contains("dispatched commit " + commit);
      }
      assertThat(observer.log()).doesNotContain("WARN");
      assertThat(observer.isAlive()).isTrue();
    }
  }

  private static Map<String, Long> dispatchesPerCommit(ChapterDispatcher dispatcher,
      List<String> commits) {
    Map<String, Long> counts = new LinkedHashMap<>();
    commits.forEach(commit -> counts.put(commit, dispatcher.count("dispatch", commit)));
    return counts;
  }
}
