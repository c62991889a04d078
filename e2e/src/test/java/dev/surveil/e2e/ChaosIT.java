package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.net.LineClient;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import dev.surveil.testing.ConnectionFlood;
import dev.surveil.testing.FailingFolder;
import java.net.InetAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 3's chaos test, grown by issue 11: while an observer feeds 21 commits to 3 runners,
 * runners are killed with {@code kill -9} mid-test and restarted, the dispatcher's disk is full
 * for a few seconds (a tmpfs as root, a read-only folder otherwise: {@link FailingFolder}), the
 * dispatcher is killed once and restarted, and from then on 300 idle connections from another
 * address ({@link ConnectionFlood}) hold on to it. Every commit must end with exactly one result
 * file, and the right one: each commit adds a test class, so its report names that class and
 * counts its own number of tests. No commit is started more than twice, not counting runs cut
 * short by a kill, and the dispatcher's peak resident memory stays under 300 MiB.
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
  /** How long the disk stays full, at least, once the dispatcher has noticed. */
  private static final Duration FULL_DISK = Duration.ofSeconds(3);
  private static final int IDLE_CONNECTIONS = 300;
  private static final double MAX_PEAK_MIB = 300;

  @Test
  @Timeout(300)
  void everyCommitGetsExactlyOneCorrectResultWhateverIsKilled(SurveilCluster cluster)
      throws Exception {
    long seed = seed();
    System.out.println("ChaosIT seed=" + seed + " (replay with -Dchaos.seed=" + seed + ")");
    Random random = new Random(seed);
    try (FailingFolder results = FailingFolder.create(cluster.resultsDir());
        Flood flood = new Flood()) {
      run(cluster, random, results, flood);
    }
  }

  private void run(SurveilCluster cluster, Random random, FailingFolder results, Flood flood)
      throws Exception {
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
    List<String> cutRuns = new ArrayList<>();
    int killAt = 0;
    for (int kill = 0; kill < 6; kill++) {
      // Every commit made so far is started at least once, so a kill waits for no more runs than
      // that: the runs a kill cuts short are redone, but a runner's finished report survives its
      // kill, so kills need not add runs.
      killAt = Math.min(killAt + 1 + random.nextInt(4), testsPerCommit.size());
      awaitAtLeast("test runs started", started, killAt);
      if (kill == 1) {
        fillTheDisk(cluster, results);
      }
      if (kill == 3) {
        int before = stored.getAsInt();
        System.out.println("ChaosIT: kill -9 dispatcher after " + before + " results");
        assertPeakMemory(cluster.dispatcher());
        cluster.dispatcher().kill9();
        cluster.startDispatcher();
        System.out.println("ChaosIT: " + IDLE_CONNECTIONS + " idle connections from 127.0.0.2");
        flood.start(cluster, IDLE_CONNECTIONS);
        for (int i = COMMITS / 2 + 1; i <= COMMITS; i++) {
          testsPerCommit.put(commit(cluster, i, random), 3 + i);
        }
        continue;
      }
      int victim = random.nextInt(RUNNERS);
      System.out.println("ChaosIT: kill -9 runner-" + victim + " after " + killAt + " runs");
      runners.get(victim).kill9();
      cutRuns.addAll(unfinishedRuns(runners.get(victim).log()));
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
    String runLogs = runners.stream().map(SurveilProcess::allLogs)
        .reduce("", String::concat);
    for (String commit : testsPerCommit.keySet()) {
      int runs = DispatcherRestartIT.count(runLogs, "started testing commit " + commit);
      int cut = (int) cutRuns.stream().filter(commit::equals).count();
      assertThat(runs - cut).as("runs of %s not cut short by a kill (%d cut)", commit, cut)
          .isBetween(1, 2);
    }
    assertPeakMemory(cluster.dispatcher());
    assertThat(cluster.dispatcher().isAlive()).isTrue();
    assertThat(observer.isAlive()).isTrue();
  }

  /**
   * Fills the dispatcher's results folder, waits until the dispatcher has noticed, keeps it full
   * for {@link #FULL_DISK} while the dispatcher answers {@code status}, then frees it and waits
   * until the dispatcher has noticed that too.
   */
  private static void fillTheDisk(SurveilCluster cluster, FailingFolder results) {
    System.out.println("ChaosIT: results folder fails (" + results.reason() + ")");
    results.startFailing();
    SurveilProcess dispatcher = cluster.dispatcher();
    dispatcher.awaitLog("ERROR .*" + results.reason() + ".*no commit is handed out", EVENT);
    LineClient client = new LineClient(Duration.ofSeconds(5), Duration.ofSeconds(5));
    HostAndPort address = HostAndPort.parse(cluster.dispatcherAddress());
    Awaitility.await("the dispatcher answers status while its disk is full")
        .during(FULL_DISK).atMost(FULL_DISK.plusSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> client.send(address, new Status()) == Reply.OK);
    results.stopFailing();
    dispatcher.awaitLog("INFO .*can be written again", EVENT);
  }

  private static void assertPeakMemory(SurveilProcess dispatcher) {
    double peak = dispatcher.peakResidentMebibytes();
    System.out.printf("ChaosIT: dispatcher peak RSS %.0f MiB%n", peak);
    assertThat(peak).as("dispatcher peak RSS, MiB").isLessThan(MAX_PEAK_MIB);
  }

  /** The commits a runner's log says it started and did not finish testing. */
  private static List<String> unfinishedRuns(String log) {
    List<String> unfinished = new ArrayList<>();
    Matcher started = Pattern.compile("started testing commit (\\w+)").matcher(log);
    while (started.find()) {
      if (!log.contains("finished testing commit " + started.group(1))) {
        unfinished.add(started.group(1));
      }
    }
    return unfinished;
  }

  /** A flood of idle connections at the dispatcher, started once, stopped by the test's end. */
  private static final class Flood implements AutoCloseable {
    private ConnectionFlood flood;

    void start(SurveilCluster cluster, int idle) throws Exception {
      HostAndPort dispatcher = HostAndPort.parse(cluster.dispatcherAddress());
      flood = ConnectionFlood.start(dispatcher.toSocketAddress(),
          InetAddress.getByName("127.0.0.2"), idle, 0, Duration.ofSeconds(1));
    }

    @Override
    public void close() {
      if (flood != null) {
        flood.close();
      }
    }
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
