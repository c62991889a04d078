package dev.surveil.bench.scenario;

import dev.surveil.bench.process.LogMatch;
import dev.surveil.bench.process.Program;
import dev.surveil.bench.stats.Figure;
import dev.surveil.bench.stats.Unit;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: a dispatcher with default flags and two runners; a commit with a slow test is
 * dispatched, and once the runner that took it has its test JVM running, that runner gets
 * SIGKILL. Measures the kill to the dispatcher removing it, and the kill to the other runner
 * starting the commit. The killed runner is started again before the next run. Not thread-safe.
 */
public final class FailoverScenario implements Scenario {
  private static final String SCENARIO = "3 failover (kill -9)";
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** Long enough that the kill always lands mid-test, short enough to wait for the result. */
  private static final int SLOW_TEST_MILLIS = 3000;

  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));

  @Override
  public String name() {
    return "failover";
  }

  /** One kill: how long until the dispatcher removed the runner, and until the commit moved. */
  private record Failover(long removedMillis, long restartedMillis) {}

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    List<Double> removed = new ArrayList<>();
    List<Double> restarted = new ArrayList<>();
    try (Cluster cluster = new Cluster(context)) {
      cluster.startDispatcher("dispatcher-failover", List.of());
      List<Cluster.Runner> runners = new ArrayList<>(List.of(
          cluster.startRunner("runner-a", "runner-a-clone"),
          cluster.startRunner("runner-b", "runner-b-clone")));
      cluster.repo().commitFixture("slow", "add a slow test");
      for (int run = 1; run <= context.settings().failoverRuns(); run++) {
        Failover failover = killMidTest(context, cluster, runners, run);
        removed.add((double) failover.removedMillis());
        restarted.add((double) failover.restartedMillis());
      }
    }
    return List.of(
        Figure.of(SCENARIO, "kill -> commit starts on the other runner", Unit.MILLIS, restarted)
            .withTarget(1000),
        Figure.of(SCENARIO, "  kill -> dispatcher removes the runner", Unit.MILLIS, removed));
  }

  /**
   * Dispatches a slow commit, kills the runner that took it once its test JVM runs, times the
   * failover, waits for the result, and puts a new runner in the killed one's place.
   */
  private Failover killMidTest(BenchContext context, Cluster cluster,
      List<Cluster.Runner> runners, int run) throws Exception {
    Program dispatcher = cluster.dispatcherProgram();
    String commit = cluster.repo().commit("slow run " + run,
        Map.of("slow-millis", Integer.toString(SLOW_TEST_MILLIS + run)));
    int mark = dispatcher.log().size();
    send(cluster.dispatcher(), commit);
    LogMatch dispatched = dispatcher.await(LogEvents.dispatched(commit), mark, WAIT);
    int victimIndex = runners.get(0).address().toString().equals(dispatched.group(1)) ? 0 : 1;
    Cluster.Runner victim = runners.get(victimIndex);
    Cluster.Runner survivor = runners.get(1 - victimIndex);
    int survivorMark = survivor.program().log().size();
    List<ProcessHandle> testJvm = awaitTestJvm(victim.program());
    long killed = System.currentTimeMillis();
    victim.program().kill9();
    LogMatch taken = survivor.program().await(LogEvents.started(commit), survivorMark, WAIT);
    LogMatch gone = dispatcher.await(LogEvents.removed(victim.address().toString()), mark, WAIT);
    Failover failover = new Failover(gone.epochMillis() - killed, taken.epochMillis() - killed);
    context.say("failover run %d: killed %s mid-test; removed after %d ms, commit started on %s"
        + " after %d ms", run, victim.program().name(), failover.removedMillis(),
        survivor.program().name(), failover.restartedMillis());
    testJvm.forEach(ProcessHandle::destroyForcibly); // it exits by itself; make sure
    dispatcher.await(LogEvents.stored(commit), mark, WAIT);
    runners.set(victimIndex, cluster.startRunner(victim.program().name(),
        victim.checkout().getFileName().toString()));
    return failover;
  }

  private void send(HostAndPort dispatcher, String commit) throws IOException {
    Reply reply = client.send(dispatcher, new Dispatch(new CommitId(commit)));
    if (reply != Reply.OK) {
      throw new IllegalStateException("dispatcher answered '" + reply.text() + "' to dispatch");
    }
  }

  /** Waits until the runner has started its test JVM: then the kill lands mid-test. */
  private static List<ProcessHandle> awaitTestJvm(Program runner) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      List<ProcessHandle> testJvms = runner.descendants().stream()
          .filter(FailoverScenario::isTestJvm).toList();
      if (!testJvms.isEmpty()) {
        return testJvms;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException(runner + " started no test JVM within " + WAIT);
  }

  // Not any child: JGit may run a short-lived git process during the checkout.
  private static boolean isTestJvm(ProcessHandle process) {
    return process.info().commandLine().map(line -> line.contains("TestJvmMain")).orElse(false);
  }
}
