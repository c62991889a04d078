package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 3's chaos test: while an observer feeds 21 commits to 3 runners, runners are killed
 * with {@code kill -9} mid-test and restarted, and the dispatcher is killed once and restarted.
 * Every commit must end with exactly one result file, and the right one: each commit adds a test
 * class, so its report names that class and counts its own number of tests.
 *
 * <p>The schedule comes from a seed, new each run and printed at the start; replay a run with
 * {@code -Dchaos.seed=<seed>} (the older {@code -Dsurveil.chaos.seed} works too). Kills are
 * triggered by events (the n-th test run starting, the n-th result stored), not by timers.
 */
@ExtendWith(ClusterExtension.class)
class ChaosIT {
  private static final int COMMITS = 20;
  private static final int RUNNERS = 3;
  private static final Duration EVENT = Duration.ofSeconds(90);

  @Test
  @Timeout(180)
  void everyCommitGetsExactlyOneCorrectResultWhateverIsKilled(SurveilCluster cluster)
      throws Exception {
    long seed = seed();
    System.out.println("ChaosIT seed=" + seed + " (replay with -Dchaos.seed=" + seed + ")");
    Random random = new Random(seed);

    cluster.startDispatcher();
    List<SurveilProcess> runners = new ArrayList<>();
    for (int i = 0; i < RUNNERS; i++) {
      runners.add(cluster.startRunner("runner-" + i));
    }
    // the observer tests what arrives after it started, so it starts first
    SurveilProcess observer = cluster.startObserver("500ms");
    Map<String, Integer> testsPerCommit = new LinkedHashMap<>();
    Files.writeString(cluster.repo.master().resolve("slow-millis"), "400");
    testsPerCommit.put(cluster.repo.commitFixture("slow", "add a slow test"), 3);
    for (int i = 1; i <= COMMITS / 2; i++) {
      testsPerCommit.put(commit(cluster, i, random), 3 + i);
    }

    IntSupplier started = () -> runners.stream()
        .mapToInt(r -> DispatcherRestartIT.count(r.allLogs(), "started testing commit ")).sum();
    IntSupplier stored = () -> cluster.resultFiles().size();
    int killAt = 0;
    for (int kill = 0; kill < 6; kill++) {
      killAt += 1 + random.nextInt(4);
      awaitAtLeast("test runs started", started, killAt);
      if (kill == 3) {
        int before = stored.getAsInt();
        System.out.println("ChaosIT: kill -9 dispatcher after " + before + " results");
        cluster.dispatcher().kill9();
        cluster.startDispatcher();
        for (int i = COMMITS / 2 + 1; i <= COMMITS; i++) {
          testsPerCommit.put(commit(cluster, i, random), 3 + i);
        }
        continue;
      }
      int victim = random.nextInt(RUNNERS);
      System.out.println("ChaosIT: kill -9 runner-" + victim + " after " + killAt + " runs");
      runners.get(victim).kill9();
      runners.set(victim, cluster.startRunnerUnregistered("runner-" + victim));
    }

    for (Map.Entry<String, Integer> entry : testsPerCommit.entrySet()) {
      int tests = entry.getValue();
      assertThat(cluster.awaitResult(entry.getKey()))
          .as("result of %s", entry.getKey())
          .contains(entry.getKey())
          .contains(tests + " tests, " + (tests - 1) + " passed, 1 failed, 0 skipped");
    }
    for (int i = 1; i <= COMMITS; i++) {
      String commit = new ArrayList<>(testsPerCommit.keySet()).get(i);
      assertThat(Files.readString(cluster.resultFile(commit))).contains("Commit" + i + "Test");
    }
    assertThat(cluster.resultFiles())
        .containsExactlyInAnyOrderElementsOf(testsPerCommit.keySet());
    assertThat(observer.isAlive()).isTrue();
  }

  /** The seed given with {@code -Dchaos.seed} (or {@code -Dsurveil.chaos.seed}), else a new one. */
  private static long seed() {
    Long given = Long.getLong("chaos.seed", Long.getLong("surveil.chaos.seed"));
    return given != null ? given : new SecureRandom().nextLong();
  }

  /** Commit {@code i} adds a passing test class {@code Commit<i>Test} and a test delay. */
  private static String commit(SurveilCluster cluster, int i, Random random) {
    String test = "import org.junit.jupiter.api.Test;\n\nclass Commit" + i + "Test {\n"
        + "  @Test\n  void commit" + i + "() {}\n}\n";
    return cluster.repo.commit("commit " + i, Map.of("tests/Commit" + i + "Test.java", test,
        "slow-millis", String.valueOf(200 + random.nextInt(800))));
  }

  private static void awaitAtLeast(String what, IntSupplier count, int atLeast) {
    Awaitility.await(atLeast + " " + what).atMost(EVENT).pollInterval(Duration.ofMillis(20))
        .until(() -> count.getAsInt() >= atLeast);
  }
}
