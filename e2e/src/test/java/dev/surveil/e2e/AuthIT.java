package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.Secret;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.testing.RawPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 with the real programs, each a separate JVM started from its jar with
 * {@code --token-file}: with one secret the pipeline works end to end; a runner or observer
 * without it, raw unsigned requests and a replayed signed request are refused with
 * {@code Unauthorized} and change nothing.
 */
@ExtendWith(ClusterExtension.class)
class AuthIT {
  private static final Duration SHORT = Duration.ofSeconds(20);
  private static final String UNAUTHORIZED = "Unauthorized";
  private static final String REFUSED = "sent an unauthorized request: ";

  @TempDir
  Path tokens;

  private static final Duration RAW_TIMEOUT = Duration.ofSeconds(10);

  /** A token file (mode 600) holding a new random token and a newline. */
  private Path tokenFile(String name) throws IOException {
    byte[] random = new byte[32];
    ThreadLocalRandom.current().nextBytes(random);
    Path file = Files.createFile(tokens.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.writeString(file, HexFormat.of().formatHex(random) + "\n");
  }

  private static HostAndPort listening(SurveilProcess runner) {
    String port = runner.awaitLog("runner listening on 127\\.0\\.0\\.1:(\\d+)", SHORT);
    return new HostAndPort("127.0.0.1", Integer.parseInt(port));
  }

  private static int count(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }

  @Test
  void aCommitGetsItsResultWhenEveryProgramHasTheSameSecret(SurveilCluster cluster)
      throws Exception {
    String token = tokenFile("token").toString();
    SurveilProcess dispatcher = cluster.startDispatcher("--token-file", token);
    SurveilProcess runner = cluster.startRunner("runner-1", "--token-file", token);
    SurveilProcess observer = cluster.startObserver("1s", "--token-file", token);

    String commit = cluster.repo.commitTrivialChange("signed all the way");
    String report = cluster.awaitResult(commit);

    assertThat(report).contains("FailingTest.onePlusOneIsThree()", "1 + 1 should be 3")
        .contains("2 tests, 1 passed, 1 failed, 0 skipped");
    assertThat(observer.log()).contains("dispatched commit " + commit);
    runner.awaitLog("delivered results for commit " + commit, SHORT);
    for (SurveilProcess process : new SurveilProcess[] {dispatcher, runner, observer}) {
      assertThat(process.log()).as(process.name()).doesNotContain(REFUSED, "has no secret");
    }
  }

  @Test
  void peersWithoutTheSecretAndUnsignedRequestsAreRefusedAndChangeNothing(
      SurveilCluster cluster) throws Exception {
    String token = tokenFile("token").toString();
    SurveilProcess dispatcher = cluster.startDispatcher("--token-file", token);
    SurveilProcess runner = cluster.startRunner("runner-1", "--token-file", token);
    HostAndPort runnerAddress = listening(runner);
    SurveilProcess intruder = cluster.startRunnerUnregistered("intruder", "--token-file",
        tokenFile("wrong-token").toString());
    HostAndPort intruderAddress = listening(intruder);
    SurveilProcess observer = cluster.startObserver("1s");
    String commit = cluster.repo.commitTrivialChange("nobody may test this");
    HostAndPort dispatcherAddress = HostAndPort.parse(cluster.dispatcherAddress());

    // the runner with the wrong secret keeps trying to register, and is refused each time
    intruder.awaitLog(Pattern.quote("dispatcher " + dispatcherAddress + " answered"
        + " 'Unauthorized' to register; retrying registration"), SHORT);
    Awaitility.await("the dispatcher refuses the intruder's registration twice").atMost(SHORT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> count(dispatcher.log(), "wrong MAC for register request") >= 2);
    // the observer without a secret cannot even ask for the dispatcher's status
    observer.awaitLog(Pattern.quote("dispatcher " + dispatcherAddress + " answered status with"
        + " 'Unauthorized'; will retry at the next poll"), SHORT);
    assertThat(dispatcher.log()).contains(REFUSED + "no auth line before the request: 'status");

    assertThat(RawPeer.exchange(dispatcherAddress, "register:127.0.0.1:1\n", RAW_TIMEOUT))
        .isEqualTo(UNAUTHORIZED);
    assertThat(RawPeer.exchange(dispatcherAddress, "dispatch:" + commit + "\n", RAW_TIMEOUT))
        .isEqualTo(UNAUTHORIZED);
    assertThat(RawPeer.exchange(dispatcherAddress, "results:" + commit + ":13:forged report",
        RAW_TIMEOUT))
        .isEqualTo(UNAUTHORIZED);
    assertThat(RawPeer.exchange(runnerAddress, "runtest:" + commit + "\n", RAW_TIMEOUT))
        .isEqualTo(UNAUTHORIZED);
    assertThat(RawPeer.exchange(runnerAddress, "ping\n", RAW_TIMEOUT)).isEqualTo(UNAUTHORIZED);
    assertThat(RawPeer.exchange(intruderAddress, "runtest:" + commit + "\n", RAW_TIMEOUT))
        .isEqualTo(UNAUTHORIZED);

    assertThat(cluster.resultFiles()).isEmpty();
    assertThat(dispatcher.log()).doesNotContain("queued commit", "stored result",
        "registered runner 127.0.0.1:1", "registered runner " + intruderAddress)
        .contains("registered runner " + runnerAddress);
    assertThat(runner.log()).doesNotContain("started testing");
    assertThat(intruder.log()).doesNotContain("registered with dispatcher", "started testing");
    assertThat(observer.log()).doesNotContain("dispatched commit");
  }

  @Test
  void aCapturedSignedRequestReplayedIsRefused(SurveilCluster cluster) throws Exception {
    Path token = tokenFile("token");
    SurveilProcess dispatcher = cluster.startDispatcher("--token-file", token.toString());
    SurveilProcess runner = cluster.startRunner("runner-1", "--token-file", token.toString());
    HostAndPort runnerAddress = listening(runner);
    HostAndPort dispatcherAddress = HostAndPort.parse(cluster.dispatcherAddress());
    RequestSigner signer = new RequestSigner(Secret.fromFile(token));
    String commit = cluster.repo.commitTrivialChange("dispatched once");
    byte[] dispatch = signer.encode(new Dispatch(CommitId.parse(commit)));
    byte[] ping = signer.encode(new Ping());

    // the reply to a signed request carries its MAC (docs/protocol.md, authenticated replies)
    assertThat(RawPeer.exchange(dispatcherAddress, dispatch, RAW_TIMEOUT))
        .matches("auth:[0-9a-f]{64}\nOK");
    assertThat(RawPeer.exchange(dispatcherAddress, dispatch, RAW_TIMEOUT)).isEqualTo(UNAUTHORIZED);
    assertThat(RawPeer.exchange(runnerAddress, ping, RAW_TIMEOUT))
        .matches("auth:[0-9a-f]{64}\npong");
    assertThat(RawPeer.exchange(runnerAddress, ping, RAW_TIMEOUT)).isEqualTo(UNAUTHORIZED);

    cluster.awaitResult(commit);
    runner.awaitLog("delivered results for commit " + commit, SHORT);
    assertThat(dispatcher.log()).contains(REFUSED + "auth nonce ");
    assertThat(count(dispatcher.log(), "queued commit " + commit)).isEqualTo(1);
    assertThat(count(runner.log(), "started testing commit " + commit)).isEqualTo(1);
    assertThat(runner.log()).contains("(a replayed request)");
    assertThat(cluster.resultFiles()).containsExactly(commit);
  }
}
