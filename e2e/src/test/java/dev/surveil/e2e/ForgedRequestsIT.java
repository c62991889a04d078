package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.Secret;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import dev.surveil.testing.ForgedReport;
import dev.surveil.testing.RawPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 items 2 and 6 with a real dispatcher process that has a secret: strangers' forged
 * 16 MiB reports leave it under 300 MB resident and answering; a signed request captured before
 * a {@code kill -9} cannot be replayed after the restart.
 */
@ExtendWith(ClusterExtension.class)
class ForgedRequestsIT {
  private static final int CONNECTIONS = 96;
  private static final int REPORT_BYTES = 16 * 1024 * 1024;
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir
  Path tokens;

  @Test
  void forgedReportsLeaveTheDispatcherUnder300MbAndAnswering(SurveilCluster cluster)
      throws Exception {
    Path token = tokenFile();
    SurveilProcess dispatcher = cluster.startDispatcher("--token-file", token.toString());
    HostAndPort address = HostAndPort.parse(cluster.dispatcherAddress());
    Map<String, Integer> outcomes = new ConcurrentHashMap<>();

    ExecutorService strangers = Executors.newFixedThreadPool(CONNECTIONS);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        sent.add(strangers.submit(() -> outcomes.merge(
            ForgedReport.send(address.toSocketAddress(), COMMIT, REPORT_BYTES), 1,
            Integer::sum)));
      }
      for (Future<?> future : sent) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      strangers.shutdownNow();
    }

    double peakMebibytes = dispatcher.peakResidentMebibytes();
    System.out.printf("ForgedRequestsIT: dispatcher peak RSS %.0f MiB after %d forged 16 MiB"
        + " reports: %s%n", peakMebibytes, CONNECTIONS, outcomes);
    assertThat(peakMebibytes).as("dispatcher peak RSS, MiB").isLessThan(300);
    assertThat(dispatcher.isAlive()).isTrue();
    assertThat(signedClient(token).send(address, new Status())).isEqualTo(Reply.OK);
    assertThat(outcomes).doesNotContainKey("OK");
    assertThat(dispatcher.log()).contains("sent an unauthorized request: wrong MAC for results")
        .doesNotContain("stored result");
  }

  @Test
  void signedRequestCapturedBeforeKill9IsRefusedAfterTheRestart(SurveilCluster cluster)
      throws Exception {
    Path token = tokenFile();
    SurveilProcess dispatcher = cluster.startDispatcher("--token-file", token.toString());
    HostAndPort address = HostAndPort.parse(cluster.dispatcherAddress());
    byte[] captured = new RequestSigner(Secret.fromFile(token)).encode(new Status());
    // the reply to a signed request carries its own MAC, bound to the request
    assertThat(RawPeer.exchange(address, captured, Duration.ofSeconds(10)))
        .matches("auth:[0-9a-f]{64}\nOK");

    dispatcher.kill9();
    SurveilProcess restarted = cluster.startDispatcher("--token-file", token.toString());

    // well within the 30 s window, which the replay cache alone would have let through
    assertThat(RawPeer.exchange(address, captured, Duration.ofSeconds(10)))
        .isEqualTo("Unauthorized");
    assertThat(restarted.log()).contains("is before this server started");
    assertThat(signedClient(token).send(address, new Status())).isEqualTo(Reply.OK);
  }

  private static LineClient signedClient(Path token) throws IOException {
    return new LineClient(Duration.ofSeconds(5), Duration.ofSeconds(15),
        Optional.of(new RequestSigner(Secret.fromFile(token))));
  }

  private Path tokenFile() throws IOException {
    byte[] random = new byte[32];
    ThreadLocalRandom.current().nextBytes(random);
    Path file = Files.createFile(tokens.resolve("token"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.writeString(file, HexFormat.of().formatHex(random) + "\n");
  }
}
