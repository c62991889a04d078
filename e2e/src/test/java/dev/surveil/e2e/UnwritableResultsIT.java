package dev.surveil.e2e;

import static dev.surveil.e2e.DispatcherRestartIT.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.Reply;
import dev.surveil.testing.FailingFolder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 11, item 1: the dispatcher's results folder stops taking files (a full tmpfs when the test
 * runs as root, a read-only folder otherwise; see {@link FailingFolder}) while a commit is being
 * tested. Its result cannot be stored: the commit stays with its runner, which keeps the report
 * and sends it again on its own schedule; the dispatcher says so once, hands out nothing while it
 * lasts and writes nothing to its journal for the retries; once the folder takes files again,
 * every commit gets exactly one result, without a restart.
 */
@ExtendWith(ClusterExtension.class)
class UnwritableResultsIT {
  /** How long the folder stays unwritable after the first refused result, at least. */
  private static final Duration OUTAGE = Duration.ofSeconds(6);

  @Test
  void aResultThatCannotBeStoredIsKeptByItsRunnerAndNothingElseMovesUntilItCanBe(
      SurveilCluster cluster) throws Exception {
    try (FailingFolder results = FailingFolder.create(cluster.resultsDir())) {
      SurveilProcess dispatcher = cluster.startDispatcher();
      List<SurveilProcess> runners = List.of(cluster.startRunner("runner-1"),
          cluster.startRunner("runner-2"));
      String first = cluster.repo.commit("first", Map.of("first.txt", "1"));
      List<String> others = new ArrayList<>();
      others.add(cluster.repo.commit("second", Map.of("second.txt", "2")));
      others.add(cluster.repo.commit("third", Map.of("third.txt", "3")));
      System.out.println("results folder fails with: " + results.reason());

      results.startFailing();
      assertThat(cluster.dispatch(first)).isEqualTo(Reply.OK);
      dispatcher.awaitLog("ERROR .*cannot write result .*" + first + ": " + results.reason(),
          SurveilCluster.RESULT);
      SurveilProcess tester = runners.stream()
          .filter(runner -> runner.logged("started testing commit " + first)).findFirst()
          .orElseThrow();
      tester.awaitLog("cannot deliver results for commit " + first + " \\(attempt 1\\)",
          SurveilCluster.RESULT);
      for (String commit : others) {
        assertThat(cluster.dispatch(commit)).isEqualTo(Reply.OK); // the journal records it
      }
      List<String> journal = journal(cluster);

      // the runner retries (1 s, 2 s, 4 s …) and the idle runner waits: nothing moves
      tester.awaitLog("cannot deliver results for commit " + first + " \\(attempt 3\\)",
          SurveilCluster.RESULT);
      Awaitility.await("nothing is handed out while results cannot be stored")
          .during(OUTAGE).atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> others.stream().noneMatch(commit -> dispatcher.logged(
              "dispatched commit " + commit)));
      assertThat(journal(cluster)).isEqualTo(journal);
      // two runners registered, the first commit queued and assigned once, the others queued
      assertThat(journal).hasSize(6).endsWith("enqueue " + first,
          "assign " + first + " " + address(dispatcher, first), "enqueue " + others.get(0),
          "enqueue " + others.get(1));
      assertThat(cluster.resultFiles()).isEmpty();

      results.stopFailing();
      dispatcher.awaitLog("INFO .*can be written again", SurveilCluster.RESULT);
      List<String> all = new ArrayList<>(others);
      all.add(first);
      for (String commit : all) {
        assertThat(cluster.awaitResult(commit)).contains(commit).contains("tests, ");
      }
      tester.awaitLog("delivered results for commit " + first, SurveilCluster.RESULT);

      assertThat(cluster.resultFiles()).containsExactlyInAnyOrderElementsOf(all);
      for (String commit : all) {
        assertThat(runners.stream().mapToInt(runner -> count(runner.log(),
            "started testing commit " + commit)).sum()).as("runs of %s", commit).isEqualTo(1);
      }
      assertThat(count(dispatcher.log(), "dispatched commit " + first)).isEqualTo(1);
      assertThat(count(dispatcher.log(), " ERROR ")).as("ERROR lines").isEqualTo(1);
      assertThat(count(dispatcher.log(), "still cannot be written")).isZero(); // < 1 min
      assertThat(dispatcher.log()).doesNotContain("dropped a second result");
      assertThat(dispatcher.isAlive()).isTrue();
    }
  }

  /** The runner the dispatcher gave {@code commit} to, as its log says. */
  private static String address(SurveilProcess dispatcher, String commit) {
    return dispatcher.awaitLog("dispatched commit " + commit + " to runner (\\S+)",
        Duration.ofSeconds(5));
  }

  private static List<String> journal(SurveilCluster cluster) throws Exception {
    return Files.readAllLines(cluster.resultsDir().resolve(".surveil-journal"));
  }
}
