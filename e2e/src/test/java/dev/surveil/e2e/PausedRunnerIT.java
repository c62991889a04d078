package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.Reply;
import java.nio.file.Files;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 3: a runner paused past the heartbeat timeout (as a long network or VM pause would)
 * loses its commit to another runner, and rejoins the pool when it runs again.
 */
@ExtendWith(ClusterExtension.class)
class PausedRunnerIT {

  @Test
  void aPausedRunnersCommitMovesOnAndTheRunnerRejoinsWhenResumed(SurveilCluster cluster)
      throws Exception {
    SurveilProcess dispatcher = cluster.startDispatcher();
    SurveilProcess first = cluster.startRunner("runner-1");
    Files.writeString(cluster.repo.master().resolve("slow-millis"), "3000");
    String commit = cluster.repo.commitFixture("slow", "add a slow test");
    assertThat(cluster.dispatch(commit)).isEqualTo(Reply.OK);
    first.awaitLog("started testing commit " + commit, SurveilCluster.START);
    String firstAddress = first.awaitLog("runner listening on (\\S+)", SurveilCluster.START);
    SurveilProcess second = cluster.startRunner("runner-2");

    first.signal("STOP");
    dispatcher.awaitLog("removed runner " + firstAddress, SurveilCluster.RESULT);
    second.awaitLog("started testing commit " + commit, SurveilCluster.RESULT);
    first.signal("CONT");

    String report = cluster.awaitResult(commit);
    assertThat(report).contains("3 tests, 2 passed, 1 failed, 0 skipped");
    Awaitility.await("the paused runner rejoins the pool").atMost(SurveilCluster.RESULT)
        .until(() -> DispatcherRestartIT.count(dispatcher.log(),
            "registered runner " + firstAddress) >= 2);
    // both runs finish; whichever result came second was dropped
    first.awaitLog("finished testing commit " + commit, SurveilCluster.RESULT);
    second.awaitLog("finished testing commit " + commit, SurveilCluster.RESULT);
    Awaitility.await("both runs are delivered").atMost(SurveilCluster.RESULT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> first.logged("delivered results for commit " + commit)
            && second.logged("delivered results for commit " + commit));
    assertThat(cluster.resultFiles()).containsExactly(commit);
    assertThat(dispatcher.log()).contains("dropped a second result for commit " + commit);
  }
}
