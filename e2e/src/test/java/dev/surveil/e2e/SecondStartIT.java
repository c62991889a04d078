package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.net.LineClient;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A program started a second time by mistake, as real processes: it is refused with one line
 * and exit code 1, and the running one's state on disk is untouched.
 */
@ExtendWith(ClusterExtension.class)
class SecondStartIT {
  private static final Duration EXIT = Duration.ofSeconds(60);

  @Test
  void secondDispatcherOnTheSameFolderIsRefusedAndTheFirstOnesCommitSurvivesKill9(
      SurveilCluster cluster) throws Exception {
    SurveilProcess first = cluster.startDispatcher();
    String commit = cluster.repo.commitTrivialChange("accepted, then a second start");
    try (LineServer busyRunner = busyRunner()) {
      queueBehind(busyRunner, cluster, first, commit);
      refuseSecondDispatchers(cluster, first);

      first.kill9();
      SurveilProcess restarted = cluster.startDispatcher();
      assertThat(restarted.log()).contains("1 runner(s), 1 commit(s) queued, 0 being tested");
      cluster.startRunner("runner-1");
      assertThat(cluster.awaitResult(commit)).startsWith("commit " + commit + ": FAILED");
      assertThat(cluster.resultFiles()).containsExactly(commit);
    }
  }

  /** Starts a dispatcher on the same port, then one on another port, both on the same folder. */
  private static void refuseSecondDispatchers(SurveilCluster cluster, SurveilProcess first)
      throws Exception {
    Path journal = cluster.resultsDir().resolve(".surveil-journal");
    byte[] journalBefore = Files.readAllBytes(journal);
    String port = cluster.dispatcherAddress().split(":")[1];

    SurveilProcess samePort = startDispatcher(cluster, "dispatcher-same-port", port);
    SurveilProcess otherPort = startDispatcher(cluster, "dispatcher-other-port", "0");

    assertThat(samePort.awaitExit(EXIT)).isEqualTo(1);
    assertThat(samePort.log().lines()).containsExactly("dispatcher: --port " + port
        + ": already in use on 127.0.0.1; is another dispatcher running? Use --port to pick"
        + " another");
    assertThat(otherPort.awaitExit(EXIT)).isEqualTo(1);
    assertThat(otherPort.log().lines()).containsExactly("dispatcher: " + cluster.resultsDir()
        + " is in use by another dispatcher (pid " + first.pid() + ")");
    assertThat(Files.readAllBytes(journal)).isEqualTo(journalBefore);
  }

  @Test
  void observerThatCannotListenWritesNoStateFileAndTheNextStartIsAFreshOne(
      SurveilCluster cluster) throws Exception {
    cluster.startDispatcher();
    Path clone = cluster.repo.cloneTo("observer-clone");
    Path state = clone.resolve(".git").resolve("surveil-observer-state");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      SurveilProcess failed = cluster.start("observer", "observer-failed", List.of(
          "--dispatcher-server", cluster.dispatcherAddress(), "--notify-host", "127.0.0.1",
          "--notify-port", String.valueOf(port), clone.toString()));

      assertThat(failed.awaitExit(EXIT)).isEqualTo(1);
      assertThat(failed.log().lines()).containsExactly("observer: --notify-port " + port
          + ": already in use on 127.0.0.1; is another observer running? Use --notify-port to"
          + " pick another port (0 picks a free one)");
    }
    assertThat(state).doesNotExist();

    SurveilProcess observer = cluster.startObserver("1s");

    assertThat(observer.log()).doesNotContain("resuming");
    assertThat(state).exists();
  }

  @Test
  void secondRunnerOrAnObserverOnARunnersCloneIsRefusedAndTheRunnerCarriesOn(
      SurveilCluster cluster) throws Exception {
    cluster.startDispatcher();
    SurveilProcess runner = cluster.startRunner("runner-1");
    Path clone = cluster.repo.root().resolve("runner-1");

    SurveilProcess second = cluster.start("runner", "runner-1-again", List.of("--host",
        "127.0.0.1", "--port", "0", "--dispatcher-server", cluster.dispatcherAddress(),
        clone.toString()));
    SurveilProcess observer = cluster.start("observer", "observer-on-runner-clone", List.of(
        "--dispatcher-server", cluster.dispatcherAddress(), "--notify-port", "0",
        clone.toString()));

    assertThat(second.awaitExit(EXIT)).isEqualTo(1);
    assertThat(second.log().lines()).containsExactly("runner: " + clone
        + " is in use by another runner (pid " + runner.pid() + ")");
    assertThat(observer.awaitExit(EXIT)).isEqualTo(1);
    assertThat(observer.log().lines()).containsExactly("observer: " + clone
        + " is in use by a runner (pid " + runner.pid() + ")");
    String commit = cluster.repo.commitTrivialChange("tested by the first runner");
    assertThat(cluster.dispatch(commit)).isEqualTo(Reply.OK);
    assertThat(cluster.awaitResult(commit)).startsWith("commit " + commit + ": FAILED");
  }

  private static SurveilProcess startDispatcher(SurveilCluster cluster, String name,
      String port) {
    return cluster.start("dispatcher", name, List.of("--host", "127.0.0.1", "--port", port,
        "--results-dir", cluster.resultsDir().toString()));
  }

  /** An in-test runner that answers pings and is always too busy to take a commit. */
  private static LineServer busyRunner() throws IOException {
    LineServer runner = new LineServer("busy-runner", new InetSocketAddress("127.0.0.1", 0),
        request -> request instanceof Ping ? Reply.PONG : Reply.BUSY, ServerOptions.DEFAULT,
        Ticker.SYSTEM);
    runner.start();
    return runner;
  }

  /**
   * Has the dispatcher accept {@code commit} while its only runner is busy: the commit stays
   * queued, and the journal at rest (a {@code BUSY} changes nothing in it).
   */
  private static void queueBehind(LineServer busyRunner, SurveilCluster cluster,
      SurveilProcess dispatcher, String commit) throws IOException {
    HostAndPort address = HostAndPort.parse(cluster.dispatcherAddress());
    Reply registered = new LineClient(Duration.ofSeconds(5), Duration.ofSeconds(10))
        .send(address,
            new Register(new HostAndPort("127.0.0.1", busyRunner.localAddress().getPort())));
    assertThat(registered).isEqualTo(Reply.OK);
    assertThat(cluster.dispatch(commit)).isEqualTo(Reply.OK);
    dispatcher.awaitLog("queued commit " + commit, SurveilCluster.START);
  }
}
