package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.testing.ChapterRunner;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 10: a chapter-style runner in a pool with two Surveil runners. It answers
 * {@code runtest} with {@code OK} and holds that connection open while it tests (here until the
 * other commits have their results, many heartbeat timeouts later). Meanwhile one Surveil runner
 * is killed with {@code kill -9} mid-test. Each commit must be tested once (the killed runner's
 * commit once more elsewhere) and get one result, credited to the runner that tested it.
 */
@ExtendWith(ClusterExtension.class)
class ChapterRunnerPoolIT {
  private static final Pattern STORED =
      Pattern.compile(
          "stored result for commit (\\p{XDigit}+) from runner (\\S+) sent from \\S+ in ");

  @Test
  @Timeout(300)
  void eachCommitIsTestedOnceAndCreditedToItsRunnerWhenAChapterRunnerHoldsRuntestOpen(
      SurveilCluster cluster) throws Exception {
    SurveilProcess dispatcher = cluster.startDispatcher();
    Map<String, SurveilProcess> surveilRunners = new LinkedHashMap<>();
    for (String name : List.of("runner-1", "runner-2")) {
      SurveilProcess runner = cluster.startRunner(name);
      surveilRunners.put("127.0.0.1:"
          + runner.awaitLog("runner listening on 127\\.0\\.0\\.1:(\\d+)", SurveilCluster.START),
          runner);
    }
    try (ChapterRunner chapter =
        ChapterRunner.start("chapter", HostAndPort.parse(cluster.dispatcherAddress()))) {
      List<String> commits = commit(cluster);
      for (String commit : commits) {
        assertThat(cluster.dispatch(commit)).isEqualTo(Reply.OK);
      }
      String held = chapter.pollStarted(SurveilCluster.RESULT);
      assertThat(held).as("the chapter runner takes a commit").isNotNull();

      SurveilProcess victim = awaitATestStarted(surveilRunners.values());
      victim.kill9();
      Awaitility.await("results of every commit but the chapter runner's")
          .atMost(SurveilCluster.RESULT).pollInterval(Duration.ofMillis(100))
          .until(() -> cluster.resultFiles().size() >= commits.size() - 1);
      chapter.finishEveryTest();
      for (String commit : commits) {
        cluster.awaitResult(commit);
      }
      Awaitility.await("the chapter runner's results answered").atMost(SurveilCluster.START)
          .until(() -> chapter.tested().stream().anyMatch(t -> t.commit().equals(held)));
      assertThat(chapter.tested()).contains(new ChapterRunner.Tested(held, "OK"));

      assertThat(cluster.resultFiles()).containsExactlyInAnyOrderElementsOf(commits);
      assertEachTestedOnceAndCredited(commits, surveilRunners, victim, chapter,
          dispatcher.log());
      assertThat(Files.readString(cluster.resultFile(held))).isEqualTo(chapter.reportFor(held));
      assertThat(dispatcher.log()).doesNotContain("(unassigned)", "left the pool meanwhile",
          "dropped a second result");
    }
  }

  /**
   * Each commit was tested by one runner, not counting the killed one that died testing it, and
   * the dispatcher's log credits its result to that runner.
   */
  private static void assertEachTestedOnceAndCredited(List<String> commits,
      Map<String, SurveilProcess> surveilRunners, SurveilProcess victim, ChapterRunner chapter,
      String dispatcherLog) {
    Map<String, List<String>> testers = testers(commits, surveilRunners, chapter);
    String victimAddress = addressOf(surveilRunners, victim);
    assertThat(testers.values()).as("a commit the killed runner started, tested again")
        .anyMatch(by -> by.contains(victimAddress) && by.size() == 2);
    Map<String, String> credited = storedFrom(dispatcherLog);
    for (String commit : commits) {
      List<String> by = new ArrayList<>(testers.get(commit));
      if (!victim.logged("finished testing commit " + commit)) {
        by.remove(victimAddress); // it died testing the commit, which is then tested again
      }
      assertThat(by).as("the runners that tested %s, the killed one %s left out", commit,
          victimAddress).hasSize(1);
      assertThat(credited).as("the runner credited with each result").containsEntry(commit,
          by.get(0));
    }
  }

  /** A slow commit and four more, each test taking 1.5 to 3 s. */
  private static List<String> commit(SurveilCluster cluster) throws Exception {
    List<String> commits = new ArrayList<>();
    Files.writeString(cluster.repo.master().resolve("slow-millis"), "3000");
    commits.add(cluster.repo.commitFixture("slow", "add a slow test"));
    for (int i = 1; i <= 4; i++) {
      commits.add(cluster.repo.commit("change " + i, Map.of("slow-millis", "1500",
          "change-" + i, String.valueOf(i))));
    }
    return commits;
  }

  private static SurveilProcess awaitATestStarted(Iterable<SurveilProcess> runners) {
    SurveilProcess[] started = new SurveilProcess[1];
    Awaitility.await("a Surveil runner starts a test").atMost(SurveilCluster.RESULT)
        .pollInterval(Duration.ofMillis(20)).until(() -> {
          for (SurveilProcess runner : runners) {
            if (runner.logged("started testing commit ")) {
              started[0] = runner;
              return true;
            }
          }
          return false;
        });
    return started[0];
  }

  /** For each commit, the address of every runner that started testing it. */
  private static Map<String, List<String>> testers(List<String> commits,
      Map<String, SurveilProcess> surveilRunners, ChapterRunner chapter) {
    Map<String, List<String>> testers = new LinkedHashMap<>();
    for (String commit : commits) {
      List<String> by = new ArrayList<>();
      surveilRunners.forEach((address, runner) -> {
        for (int i = 0; i < DispatcherRestartIT.count(runner.allLogs(),
            "started testing commit " + commit); i++) {
          by.add(address);
        }
      });
      chapter.exchanges().stream().filter(e -> e.text().equals("runtest:" + commit)
          && e.replied().equals(Optional.of("OK")))
          .forEach(e -> by.add(chapter.address().toString()));
      testers.put(commit, by);
    }
    return testers;
  }

  private static String addressOf(Map<String, SurveilProcess> runners, SurveilProcess runner) {
    return runners.entrySet().stream().filter(e -> e.getValue() == runner)
        .map(Map.Entry::getKey).findFirst().orElseThrow();
  }

  /** Commit → the runner the dispatcher's log credits its stored result to. */
  private static Map<String, String> storedFrom(String log) {
    Map<String, String> stored = new LinkedHashMap<>();
    Matcher matcher = STORED.matcher(log);
    while (matcher.find()) {
      stored.put(matcher.group(1), matcher.group(2));
    }
    return stored;
  }
}
