package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The three programs as separate JVMs, as a user runs them in three terminals. */
@ExtendWith(ClusterExtension.class)
class PipelineIT {

  @Test
  void aCommitProducesAResultFileWithOnePassAndOneFailure(SurveilCluster cluster) {
    cluster.startDispatcher();
    cluster.startRunner("runner-1");
    cluster.startObserver("1s");

    String commit = cluster.repo.commitTrivialChange("hello");
    String report = cluster.awaitResult(commit);

    assertThat(report).contains("PassingTest.onePlusOneIsTwo()",
        "FailingTest.onePlusOneIsThree()", "1 + 1 should be 3");
    assertThat(report.strip().lines().reduce((a, b) -> b).orElseThrow())
        .isEqualTo("2 tests, 1 passed, 1 failed, 0 skipped");
    assertThat(cluster.resultFiles()).containsExactly(commit);
  }

  @Test
  void observerDispatchesEveryCommitPushedBetweenTwoPollsOldestFirst(SurveilCluster cluster) {
    SurveilProcess dispatcher = cluster.startDispatcher();
    cluster.startRunner("runner-1");
    SurveilProcess observer = cluster.startObserver("2s");

    String first = cluster.repo.commit("one", Map.of("a.txt", "1"));
    String second = cluster.repo.commit("two", Map.of("a.txt", "2"));
    String third = cluster.repo.commit("three", Map.of("a.txt", "3"));

    for (String commit : List.of(first, second, third)) {
      cluster.awaitResult(commit);
    }
    String log = observer.log();
    assertThat(log.indexOf("dispatched commit " + first))
        .isPositive()
        .isLessThan(log.indexOf("dispatched commit " + second));
    assertThat(log.indexOf("dispatched commit " + second))
        .isLessThan(log.indexOf("dispatched commit " + third));
    String queued = dispatcher.log();
    assertThat(queued.indexOf("queued commit " + first))
        .isPositive()
        .isLessThan(queued.indexOf("queued commit " + second));
    assertThat(queued.indexOf("queued commit " + second))
        .isLessThan(queued.indexOf("queued commit " + third));
    assertThat(cluster.resultFiles()).containsExactlyInAnyOrder(first, second, third);
  }

  @Test
  void aRunnerThatRegistersAndThenDiesIsRemovedFromThePool(SurveilCluster cluster)
      throws Exception {
    SurveilProcess dispatcher = cluster.startDispatcher();
    SurveilProcess runner = cluster.startRunner("runner-1");
    String port =
        runner.awaitLog("runner listening on 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(10));

    runner.kill9();

    dispatcher.awaitLog("removed runner 127\\.0\\.0\\.1:" + port, Duration.ofSeconds(10));
  }
}
