package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.net.LineClient;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.testing.ChapterExchange;
import dev.surveil.testing.ChapterRunner;
import dev.surveil.testing.LogRecorder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher over real sockets with {@link ChapterRunner}s: runners that answer
 * {@code runtest} with {@code OK} and hold that connection open while they test, and may hold
 * their {@code pong}s open too. The heartbeat timeout is 1 s; the runner holds its replies 5 s.
 */
class DispatcherChapterRunnerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration HOLD = Duration.ofSeconds(5);
  private static final CommitId COMMIT = new CommitId("0123456789abcdef0123456789abcdef01234567");

  @TempDir
  Path dir;
  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(5));
  private final LogRecorder logs = LogRecorder.record("dev.surveil.dispatcher");
  private DispatcherService dispatcher;
  private HostAndPort dispatcherAddress;
  private ChapterRunner chapter;
  private ChapterRunner other;

  @BeforeEach
  void startDispatcher() throws Exception {
    dispatcher = new DispatcherService(new DispatcherSettings(
        new InetSocketAddress("127.0.0.1", 0), dir, Duration.ofMillis(100),
        Duration.ofSeconds(1), ServerOptions.DEFAULT));
    dispatcher.start();
    dispatcherAddress = new HostAndPort("127.0.0.1", dispatcher.localAddress().getPort());
  }

  @AfterEach
  void close() {
    try {
      for (ChapterRunner runner : new ChapterRunner[] {chapter, other}) {
        if (runner != null) {
          runner.close();
        }
      }
      dispatcher.close();
    } finally {
      logs.close();
    }
  }

  private static long pings(ChapterRunner runner) {
    return runner.exchanges().stream().filter(e -> e.text().equals("ping")).count();
  }

  @Test
  void givesACommitOnceToAChapterRunnerThatHoldsRuntestAndPongOpen() throws Exception {
    chapter = ChapterRunner.start("chapter", dispatcherAddress);
    chapter.holdRepliesOpen(HOLD);
    assertThat(client.send(dispatcherAddress, new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    assertThat(chapter.pollStarted(WAIT)).isEqualTo(COMMIT.value());

    await("the commit assigned to the chapter runner").atMost(WAIT).until(() ->
        dispatcher.pool().assignments().equals(Map.of(COMMIT, chapter.address())));
    other = ChapterRunner.start("other", dispatcherAddress);
    other.finishEveryTest();
    long pingsBefore = pings(chapter);
    await("15 more pongs, each held open 5 s, over more than the 1 s heartbeat timeout")
        .atMost(WAIT).until(() -> pings(chapter) >= pingsBefore + 15);

    assertThat(dispatcher.pool().runners()).contains(chapter.address(), other.address());
    assertThat(dispatcher.pool().assignments()).isEqualTo(Map.of(COMMIT, chapter.address()));
    assertThat(other.exchanges()).extracting(ChapterExchange::text).doesNotContain(
        "runtest:" + COMMIT.value());
    assertThat(logs.lines()).noneMatch(line -> line.contains("removed runner"));

    chapter.finish(COMMIT.value());

    String stored = logs.awaitLine("INFO stored result for commit " + COMMIT);
    assertThat(stored).contains("from runner " + chapter.address());
    assertThat(Files.readString(dir.resolve(COMMIT.value())))
        .isEqualTo(chapter.reportFor(COMMIT.value()));
    await().atMost(WAIT).until(() -> !chapter.tested().isEmpty());
    assertThat(chapter.tested()).containsExactly(new ChapterRunner.Tested(COMMIT.value(), "OK"));
    assertThat(logs.lines()).noneMatch(line -> line.contains("left the pool meanwhile")
        || line.contains("(unassigned)") || line.contains("dropped a second result"));
  }

  @Test
  void aChapterRunnerStillTestingPastTheResultTimeoutAnswersBusyAndItsCommitGoesToAnother()
      throws Exception {
    dispatcher.close();
    dispatcher = new DispatcherService(new DispatcherSettings(
        new InetSocketAddress("127.0.0.1", 0), dir, Duration.ofMillis(100),
        Duration.ofSeconds(1), ServerOptions.DEFAULT).withResultTimeout(Duration.ofSeconds(1)));
    dispatcher.start();
    dispatcherAddress = new HostAndPort("127.0.0.1", dispatcher.localAddress().getPort());
    chapter = ChapterRunner.start("chapter", dispatcherAddress);
    assertThat(client.send(dispatcherAddress, new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    assertThat(chapter.pollStarted(WAIT)).isEqualTo(COMMIT.value());
    other = ChapterRunner.start("other", dispatcherAddress);
    other.finishEveryTest();

    // asked again after 1 s: the chapter's runner is busy with it, so it says BUSY
    logs.awaitLine("WARN no result for commit " + COMMIT + " from runner " + chapter.address()
        + " after 1s, and the runner no longer has it");
    assertThat(other.pollStarted(WAIT)).isEqualTo(COMMIT.value());
    logs.awaitLine("INFO stored result for commit " + COMMIT + " from runner " + other.address());
    chapter.finish(COMMIT.value()); // its late result is the second: acknowledged, dropped
    await().atMost(WAIT).until(() -> chapter.tested().size() == 1);
    assertThat(Files.readString(dir.resolve(COMMIT.value())))
        .isEqualTo(other.reportFor(COMMIT.value()));
  }
}
