package dev.surveil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.surveil.protocol.HostAndPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ChapterRunner} against a dispatcher that records what it gets and answers one word. */
class ChapterRunnerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  private final BlockingQueue<String> toDispatcher = new LinkedBlockingQueue<>();
  private volatile String dispatcherReply = "OK";
  private ChapterServer dispatcher;
  private HostAndPort dispatcherAddress;
  private ChapterRunner runner;

  @BeforeEach
  void startDispatcher() throws IOException {
    dispatcher = ChapterServer.start("recording-dispatcher",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), exchange -> {
          toDispatcher.add(exchange.text());
          exchange.reply(dispatcherReply);
        });
    dispatcherAddress = new HostAndPort("127.0.0.1", dispatcher.localAddress().getPort());
  }

  @AfterEach
  void close() {
    if (runner != null) {
      runner.close();
    }
    dispatcher.close();
  }

  private String takeRequest() throws InterruptedException {
    String request = toDispatcher.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(request).as("a request to the dispatcher within %s", WAIT).isNotNull();
    return request;
  }

  private String send(String request) throws IOException {
    return ChapterClient.communicate(runner.address(), request);
  }

  @Test
  void registersWithLocalhostAndItsPortWhenItStarts() throws Exception {
    runner = ChapterRunner.start("r1", dispatcherAddress);

    assertThat(takeRequest()).isEqualTo("register:localhost:" + runner.address().port());
    assertThat(send("ping")).isEqualTo("pong");
    assertThat(send("status")).isEqualTo("Invalid command");
  }

  @Test
  void doesNotStartWhenTheDispatcherRefusesTheRegistration() {
    dispatcherReply = "Invalid command";

    assertThatThrownBy(() -> ChapterRunner.start("r1", dispatcherAddress))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Can't register with dispatcher!");
  }

  @Test
  void holdsTheRuntestConnectionWhileTestingAndAnswersBusyMeanwhile() throws Exception {
    runner = ChapterRunner.start("r1", dispatcherAddress);
    takeRequest();

    assertThat(send("runtest:" + COMMIT)).isEqualTo("OK");
    assertThat(runner.pollStarted(WAIT)).isEqualTo(COMMIT);
    assertThat(send("runtest:" + COMMIT)).isEqualTo("BUSY");
    assertThat(send("ping")).isEqualTo("pong");
    ChapterExchange runtest = runner.exchanges().get(0);
    assertThat(runtest.isClosed()).as("runtest connection open while testing").isFalse();

    runner.finish(COMMIT);

    String report = runner.reportFor(COMMIT);
    assertThat(takeRequest()).isEqualTo("results:" + COMMIT + ":" + report.length() + ":" + report);
    assertThat(runtest.awaitClosed(WAIT)).isTrue();
    await().atMost(WAIT).until(() -> !runner.tested().isEmpty());
    assertThat(runner.tested()).containsExactly(new ChapterRunner.Tested(COMMIT, "OK"));
    assertThat(report).contains("r1");
    assertThat(send("runtest:" + COMMIT)).as("idle again").isEqualTo("OK");
  }

  @Test
  void finishEveryTestLetsLaterTestsEndAtOnce() throws Exception {
    runner = ChapterRunner.start("r1", dispatcherAddress);
    takeRequest();
    runner.finishEveryTest();

    assertThat(send("runtest:" + COMMIT)).isEqualTo("OK");

    assertThat(takeRequest()).startsWith("results:" + COMMIT + ":");
  }

  @Test
  void aClosedRunnerSendsNoResults() throws Exception {
    runner = ChapterRunner.start("r1", dispatcherAddress);
    takeRequest();
    assertThat(send("runtest:" + COMMIT)).isEqualTo("OK");
    assertThat(runner.pollStarted(WAIT)).isEqualTo(COMMIT);

    runner.close();

    assertThat(runner.exchanges().get(0).awaitClosed(WAIT)).isTrue();
    assertThat(runner.tested()).isEmpty();
    assertThat(List.copyOf(toDispatcher)).isEmpty();
  }
}
