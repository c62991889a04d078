package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.HostAndPort;
import dev.surveil.testing.ChapterClient;
import dev.surveil.testing.ChapterDispatcher;
import dev.surveil.testing.ChapterExchange;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 10: a Surveil runner (a separate process) registered with a chapter-style dispatcher,
 * which is restarted while the runner tests a commit. The restarted dispatcher knows neither the
 * runner nor the commit, and closes the connection without a reply on the runner's results (the
 * chapter's {@code KeyError}). The runner must register again within seconds and test the next
 * commit dispatched to it.
 */
@ExtendWith(ClusterExtension.class)
class ChapterDispatcherRestartIT {
  /** "Within seconds": from the refused results to the new registration. */
  private static final Duration REJOIN = Duration.ofSeconds(10);

  @Test
  @Timeout(240)
  void aRunnerWhoseResultTheRestartedDispatcherRefusesRegistersAgainAndTestsTheNextCommit(
      SurveilCluster cluster) throws Exception {
    try (ChapterDispatcher dispatcher = ChapterDispatcher.start()) {
      SurveilProcess runner = cluster.startRunnerFor(dispatcher.address().toString(),
          "localhost", "runner-1");
      HostAndPort registered = new HostAndPort("localhost", Integer.parseInt(
          runner.awaitLog("runner listening on localhost:(\\d+)", SurveilCluster.START)));
      Awaitility.await("the runner registers").atMost(SurveilCluster.START)
          .until(() -> dispatcher.runners().contains(registered));
      Files.writeString(cluster.repo.master().resolve("slow-millis"), "3000");
      String first = cluster.repo.commitFixture("slow", "add a slow test");
      assertThat(ChapterClient.communicate(dispatcher.address(), "dispatch:" + first))
          .isEqualTo("OK");
      runner.awaitLog("started testing commit " + first, SurveilCluster.START);

      dispatcher.restart();

      Awaitility.await("the restarted dispatcher refuses the results of " + first)
          .atMost(SurveilCluster.RESULT).pollInterval(Duration.ofMillis(50))
          .until(() -> dispatcher.exchanges().stream().anyMatch(e -> isRefusedResult(e, first)));
      Awaitility.await("the runner registers again").atMost(REJOIN)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> dispatcher.runners().contains(registered));
      String next = cluster.repo.commit("next", Map.of("slow-millis", "1"));
      assertThat(ChapterClient.communicate(dispatcher.address(), "dispatch:" + next))
          .isEqualTo("OK");

      runner.awaitLog("started testing commit " + next, SurveilCluster.START);
      Awaitility.await("the result of " + next).atMost(SurveilCluster.RESULT)
          .pollInterval(Duration.ofMillis(50)).until(() -> dispatcher.report(next).isPresent());
      assertThat(dispatcher.report(next).orElseThrow()).contains(next).contains("tests, ");
      assertThat(dispatcher.report(first)).isEmpty();
      assertThat(runner.isAlive()).isTrue();
    }
  }

  private static boolean isRefusedResult(ChapterExchange exchange, String commit) {
    return exchange.text().startsWith("results:" + commit + ":") && exchange.isClosed()
        && exchange.replied().isEmpty();
  }
}
