package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.Reply;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 11, item 9: a runner frozen (SIGSTOP) while the dispatcher offers it a commit reads the
 * offer only when it wakes, after the commit went to another runner. It must not test the commit
 * then; the dispatcher's log has the offer and its outcome.
 */
@ExtendWith(ClusterExtension.class)
class FrozenRunnerIT {
  private static final Duration SHORT = Duration.ofSeconds(30);

  @Test
  void aRunnerThatWakesAfterItsOfferTimedOutDoesNotTestTheCommit(SurveilCluster cluster)
      throws Exception {
    SurveilProcess dispatcher = cluster.startDispatcher();
    SurveilProcess frozen = cluster.startRunner("runner-1");
    String frozenAddress = frozen.awaitLog("runner listening on (\\S+)", SurveilCluster.START);
    frozen.signal("STOP");
    try {
      String commit = cluster.repo.commitTrivialChange("offered to a frozen runner");
      assertThat(cluster.dispatch(commit)).isEqualTo(Reply.OK);

      dispatcher.awaitLog(Pattern.quote("offered commit " + commit + " to runner "
          + frozenAddress + ": no answer (") + ".*\\); the commit stays queued", SHORT);
      dispatcher.awaitLog(Pattern.quote("removed runner " + frozenAddress), SHORT);
      SurveilProcess other = cluster.startRunner("runner-2");
      other.awaitLog("started testing commit " + commit, SurveilCluster.RESULT);
      frozen.signal("CONT");

      frozen.awaitLog(Pattern.quote("not testing commit " + commit + ": dispatcher "
          + cluster.dispatcherAddress() + " gave it to another runner"), SurveilCluster.RESULT);
      dispatcher.awaitLog(Pattern.quote("runner " + frozenAddress + " was about to test commit "
          + commit + ", which is no longer its own"), SHORT);
      cluster.awaitResult(commit);
      String otherAddress = other.awaitLog("runner listening on (\\S+)", SHORT);
      assertThat(dispatcher.log()).contains("dispatched commit " + commit + " to runner "
          + otherAddress);
      assertThat(frozen.log()).doesNotContain("started testing commit " + commit);
      assertThat(cluster.resultFiles()).containsExactly(commit);
    } finally {
      if (frozen.isAlive()) {
        frozen.signal("CONT"); // a stopped process cannot be stopped gracefully
      }
    }
  }
}
