package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chapter's error handling: kill a runner mid-test and its commit moves to another. */
@ExtendWith(ClusterExtension.class)
class FailoverIT {

  @Test
  void killingTheRunnerOfASlowCommitMovesItToTheOtherRunner(SurveilCluster cluster)
      throws Exception {
    SurveilProcess dispatcher = cluster.startDispatcher();
    SurveilProcess runner1 = cluster.startRunner("runner-1");
    SurveilProcess runner2 = cluster.startRunner("runner-2");
    cluster.startObserver("1s");

    Files.writeString(cluster.repo.master().resolve("slow-millis"), "4000");
    String commit = cluster.repo.commitFixture("slow", "add a slow test");
    String started = "started testing commit " + commit;
    org.awaitility.Awaitility.await("a runner starts " + commit).atMost(SurveilCluster.RESULT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> runner1.logged(started) || runner2.logged(started));
    SurveilProcess victim = runner1.logged(started) ? runner1 : runner2;
    SurveilProcess survivor = victim == runner1 ? runner2 : runner1;

    victim.kill9();

    survivor.awaitLog(started, Duration.ofSeconds(30));
    String report = cluster.awaitResult(commit);
    assertThat(report).contains("SlowTest.takesItsTime()")
        .contains("3 tests, 2 passed, 1 failed, 0 skipped");
    assertThat(dispatcher.log()).contains("removed runner");
    assertThat(victim.log()).doesNotContain("finished testing commit " + commit);
    assertThat(cluster.resultFiles()).containsExactly(commit);
    assertThat(List.of(runner1, runner2)).filteredOn(SurveilProcess::isAlive)
        .containsExactly(survivor);
  }
}
