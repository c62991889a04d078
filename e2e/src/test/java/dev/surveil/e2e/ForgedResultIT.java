package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.testing.RawPeer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 11, items 5 and 7: a real dispatcher takes a commit's result only from the host of the
 * runner testing it, and only full commit ids. Without a secret (the default mode), a plain socket
 * from another address, {@code 127.0.0.2}, sends a fake PASSED for the commit being tested, and
 * abbreviations of a tested commit's id.
 */
@ExtendWith(ClusterExtension.class)
class ForgedResultIT {
  private static final Duration SHORT = Duration.ofSeconds(30);

  @Test
  void aForgedResultFromAnotherAddressIsRefusedAndTheRunnersOwnIsStored(SurveilCluster cluster)
      throws Exception {
    SurveilProcess dispatcher = cluster.startDispatcher();
    SurveilProcess runner = cluster.startRunner("runner-1");
    String runnerAddress = runner.awaitLog("runner listening on (\\S+)", SurveilCluster.START);
    Files.writeString(cluster.repo.master().resolve("slow-millis"), "3000");
    String commit = cluster.repo.commitFixture("slow", "add a slow test");
    assertThat(cluster.dispatch(commit)).isEqualTo(Reply.OK);
    runner.awaitLog("started testing commit " + commit, SurveilCluster.START);

    String forged = "commit " + commit + ": PASSED in 1 ms\n0 tests, 0 passed, 0 failed\n";
    byte[] request = ("results:" + commit + ":" + forged.getBytes(StandardCharsets.UTF_8).length
        + ":" + forged).getBytes(StandardCharsets.UTF_8);
    String reply = RawPeer.exchangeFrom(InetAddress.getByName("127.0.0.2"),
        HostAndPort.parse(cluster.dispatcherAddress()), request, SHORT);

    assertThat(reply).isEqualTo("Invalid command");
    dispatcher.awaitLog(Pattern.quote("refused a result for commit " + commit
        + " from 127.0.0.2:") + "\\d+: the commit is being tested by runner "
        + Pattern.quote(runnerAddress), SHORT);
    String report = cluster.awaitResult(commit);
    assertThat(report).contains("3 tests, 2 passed, 1 failed, 0 skipped")
        .doesNotContain("PASSED in 1 ms");
    // the file is in place a moment before the line is logged
    dispatcher.awaitLog(Pattern.quote("stored result for commit " + commit + " from runner "
        + runnerAddress + " sent from 127.0.0.1:") + "\\d+ in ", SHORT);
    assertThat(cluster.resultFiles()).containsExactly(commit);
  }

  @Test
  void abbreviatedCommitIdsAreRefusedAndNothingIsTestedTwice(SurveilCluster cluster)
      throws Exception {
    SurveilProcess dispatcher = cluster.startDispatcher();
    SurveilProcess runner = cluster.startRunner("runner-1");
    String commit = cluster.repo.head();
    assertThat(cluster.dispatch(commit)).isEqualTo(Reply.OK);
    cluster.awaitResult(commit);
    HostAndPort address = HostAndPort.parse(cluster.dispatcherAddress());

    String prefix = commit.substring(0, 8);
    assertThat(RawPeer.exchange(address, "dispatch:" + prefix + "\n", SHORT))
        .isEqualTo("Invalid command");
    assertThat(RawPeer.exchange(address, "dispatch:aaaa\n", SHORT)).isEqualTo("Invalid command");
    assertThat(RawPeer.exchange(address, "dispatch:" + prefix, SHORT)).isEqualTo("Invalid command");
    assertThat(RawPeer.exchange(address, "results:" + prefix + ":2:ok", SHORT))
        .isEqualTo("Invalid command");

    dispatcher.awaitLog(Pattern.quote("sent a bad request: not a full commit id (40 or 64 hex"
        + " characters): 'aaaa'"), SHORT);
    assertThat(dispatcher.log()).contains("sent a bad request: not a full commit id (40 or 64 hex"
        + " characters): '" + prefix + "'");
    assertThat(cluster.resultFiles()).containsExactly(commit);
    assertThat(DispatcherRestartIT.count(runner.log(), "started testing commit")).isEqualTo(1);
    assertThat(DispatcherRestartIT.count(dispatcher.log(), "queued commit")).isEqualTo(1);
  }
}
