package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.surveil.e2e.FuzzedRequests.Case;
import dev.surveil.e2e.FuzzedRequests.Target;
import dev.surveil.net.LineClient;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import dev.surveil.testing.RawPeer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Sends at least 10,000 random and mutated requests to a live dispatcher and a live runner, and
 * checks that both answer each one exactly as the protocol says, change no state, write no file
 * outside the results folder, keep a bounded heap, and still test a real commit afterwards. The
 * seed is fixed and printed; rerun another with {@code -Dfuzz.seed=N}.
 */
class ProtocolFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 0x5eed_2024L);
  private static final int REQUESTS_PER_SERVER = 6_000;
  private static final long HEAP_GROWTH_LIMIT = 64L * 1024 * 1024;

  private static final Duration RAW_TIMEOUT = Duration.ofSeconds(10);
  private final Logger serverLog = (Logger) LoggerFactory.getLogger(LineServer.class);
  private final Level serverLogLevel = serverLog.getLevel();
  private InProcessServers servers;

  @AfterEach
  void tearDown() {
    serverLog.setLevel(serverLogLevel);
    if (servers != null) {
      servers.close();
    }
  }

  @Test
  void serversAnswerEveryFuzzedRequestAndKeepTheirState() throws Exception {
    System.out.printf("ProtocolFuzzTest seed=%d (rerun with -Dfuzz.seed=%d)%n", SEED, SEED);
    servers = new InProcessServers(ServerOptions.DEFAULT);
    Map<Path, Long> filesBefore = filesOutsideResults();
    List<String> registeredBefore = servers.logLines("registered runner ");
    long heapBefore = heapAfterGc();
    // 10,000 WARN lines would only slow the test down; the replies are what is checked
    serverLog.setLevel(Level.ERROR);

    FuzzedRequests requests = new FuzzedRequests(SEED);
    Map<String, Integer> replies = new TreeMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < 2 * REQUESTS_PER_SERVER; i++) {
      Case next = requests.next(i % 2 == 0 ? Target.DISPATCHER : Target.RUNNER);
      HostAndPort address = next.target() == Target.DISPATCHER
          ? servers.dispatcher() : servers.runner();
      String reply = RawPeer.exchange(address, next.bytes(), RAW_TIMEOUT);
      assertThat(reply).as("seed %d, request %d to the %s: %s", SEED, i, next.target(),
          escaped(next.bytes())).isEqualTo(next.expectedReply());
      replies.merge(next.target() + " " + reply, 1, Integer::sum);
    }
    System.out.printf("ProtocolFuzzTest sent %d requests in %d ms; replies: %s%n",
        2 * REQUESTS_PER_SERVER, Duration.ofNanos(System.nanoTime() - start).toMillis(), replies);
    serverLog.setLevel(serverLogLevel);

    assertThat(RawPeer.exchange(servers.dispatcher(), "status\n", RAW_TIMEOUT)).isEqualTo("OK");
    assertThat(RawPeer.exchange(servers.runner(), "ping\n", RAW_TIMEOUT)).isEqualTo("pong");
    assertThat(servers.resultFiles()).isEmpty();
    assertThat(servers.logLines("queued commit")).isEmpty();
    assertThat(servers.logLines("started testing commit")).isEmpty();
    assertThat(servers.logLines("registered runner ")).containsOnlyElementsOf(registeredBefore);
    assertThat(filesOutsideResults()).isEqualTo(filesBefore);
    assertThat(servers.filesNamedLike(FuzzedRequests.MARK)).isEmpty();
    long heapGrowth = heapAfterGc() - heapBefore;
    System.out.printf("ProtocolFuzzTest heap growth after GC: %d KiB%n", heapGrowth / 1024);
    assertThat(heapGrowth).isLessThan(HEAP_GROWTH_LIMIT);
    assertStillTestsARealCommit();
  }

  private void assertStillTestsARealCommit() throws IOException {
    String commit = servers.repo().commitTrivialChange("after the fuzz");
    LineClient lineClient = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
    assertThat(lineClient.send(servers.dispatcher(), new Status())).isEqualTo(Reply.OK);
    assertThat(lineClient.send(servers.runner(), new Ping())).isEqualTo(Reply.PONG);

    assertThat(lineClient.send(servers.dispatcher(), new Dispatch(new CommitId(commit))))
        .isEqualTo(Reply.OK);

    await().atMost(Duration.ofSeconds(120)).until(() -> servers.resultFiles().contains(commit));
    assertThat(Files.readString(servers.resultsDir().resolve(commit)))
        .endsWith("2 tests, 1 passed, 1 failed, 0 skipped\n");
  }

  /** Every file under the test's root outside the results folder, with its size. */
  private Map<Path, Long> filesOutsideResults() throws IOException {
    Path results = servers.resultsDir();
    try (Stream<Path> files = Files.walk(servers.repo().root())) {
      return files.filter(Files::isRegularFile).filter(file -> !file.startsWith(results))
          .collect(Collectors.toMap(Function.identity(), ProtocolFuzzTest::size));
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static long heapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static String escaped(byte[] bytes) {
    String text = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder("'");
    for (char c : text.toCharArray()) {
      sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return sb.append(bytes.length > 200 ? "...' (" + bytes.length + " bytes)" : "'").toString();
  }
}
