package dev.surveil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.protocol.HostAndPort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ChapterDispatcher} with {@link ChapterRunner}s: the chapter's programs together. */
class ChapterDispatcherTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String C1 = "1111111111111111111111111111111111111111";
  private static final String C2 = "2222222222222222222222222222222222222222";

  private final ChapterDispatcher dispatcher = ChapterDispatcher.start();
  private ChapterRunner runner;

  @AfterEach
  void close() {
    if (runner != null) {
      runner.close();
    }
    dispatcher.close();
  }

  private String send(String request) throws Exception {
    return ChapterClient.communicate(dispatcher.address(), request);
  }

  private String awaitStarted() throws InterruptedException {
    String commit = runner.pollStarted(WAIT);
    assertThat(commit).as("a commit started within %s", WAIT).isNotNull();
    return commit;
  }

  @Test
  void answersAsTheChapterDoesWithoutRunners() throws Exception {
    assertThat(send("status")).isEqualTo("OK");
    assertThat(send("dispatch:" + C1)).isEqualTo("No runners are registered");
    assertThat(send("ping")).isEqualTo("Invalid command");
    assertThat(send("!")).isEqualTo("Invalid command");
    assertThat(dispatcher.requests())
        .containsExactly("status", "dispatch:" + C1, "ping", "!");
  }

  @Test
  void givesADispatchedCommitToARegisteredRunnerAndStoresItsReport() throws Exception {
    runner = ChapterRunner.start("r1", dispatcher.address());
    assertThat(dispatcher.runners()).containsExactly(runner.address());

    assertThat(send("dispatch:" + C1)).isEqualTo("OK");

    assertThat(awaitStarted()).isEqualTo(C1);
    await().atMost(WAIT).until(() -> dispatcher.dispatched().equals(Map.of(C1, runner.address())));
    runner.finish(C1);
    await().atMost(WAIT).until(() -> dispatcher.report(C1).isPresent());
    assertThat(dispatcher.report(C1)).contains(runner.reportFor(C1));
    await().atMost(WAIT).until(() -> !runner.tested().isEmpty());
    assertThat(runner.tested()).containsExactly(new ChapterRunner.Tested(C1, "OK"));
    assertThat(dispatcher.count("dispatch", C1)).isOne();
    assertThat(dispatcher.count("results", C1)).isOne();
    assertThat(dispatcher.dispatched()).isEmpty();
  }

  @Test
  void storesTheReportOfARunnerThatTestsInNoTime() throws Exception {
    runner = ChapterRunner.start("r1", dispatcher.address());
    runner.finishEveryTest();

    assertThat(send("dispatch:" + C1)).isEqualTo("OK");

    await().atMost(WAIT).until(() -> !runner.tested().isEmpty());
    assertThat(runner.tested()).containsExactly(new ChapterRunner.Tested(C1, "OK"));
    assertThat(dispatcher.report(C1)).contains(runner.reportFor(C1));
  }

  @Test
  void holdsADispatchOpenUntilABusyRunnerTakesTheCommit() throws Exception {
    runner = ChapterRunner.start("r1", dispatcher.address());
    assertThat(send("dispatch:" + C1)).isEqualTo("OK");
    assertThat(awaitStarted()).isEqualTo(C1);

    assertThat(send("dispatch:" + C2)).as("OK at once, runner busy or not").isEqualTo("OK");
    await().atMost(WAIT).until(() -> runner.exchanges().stream()
        .anyMatch(e -> e.text().equals("runtest:" + C2) && e.replied().isPresent()));
    assertThat(dispatcher.allClosed("dispatch")).as("the second dispatch is still open").isFalse();

    runner.finish(C1);

    assertThat(awaitStarted()).isEqualTo(C2);
    await().atMost(WAIT).until(() -> dispatcher.allClosed("dispatch"));
    runner.finish(C2);
    await().atMost(WAIT).until(() -> runner.tested().size() == 2);
    assertThat(dispatcher.report(C2)).contains(runner.reportFor(C2));
  }

  @Test
  void closesWithoutAReplyOnResultsForACommitItDidNotDispatch() throws Exception {
    assertThat(send("results:" + C1 + ":2:hi")).isEmpty();

    assertThat(dispatcher.report(C1)).isEmpty();
    assertThat(dispatcher.exchanges()).singleElement()
        .satisfies(exchange -> assertThat(exchange.replied()).isEmpty());
  }

  @Test
  void restartedOnTheSamePortItForgetsRunnersAndRefusesTheirResults() throws Exception {
    runner = ChapterRunner.start("r1", dispatcher.address());
    HostAndPort before = dispatcher.address();
    assertThat(send("dispatch:" + C1)).isEqualTo("OK");
    assertThat(awaitStarted()).isEqualTo(C1);

    dispatcher.restart();
    runner.finish(C1);

    assertThat(dispatcher.address()).isEqualTo(before);
    await().atMost(WAIT).until(() -> !runner.tested().isEmpty());
    assertThat(runner.tested()).containsExactly(new ChapterRunner.Tested(C1, ""));
    assertThat(dispatcher.runners()).isEmpty();
    assertThat(dispatcher.report(C1)).isEmpty();
    assertThat(send("status")).isEqualTo("OK");
    assertThat(dispatcher.count("results", C1)).as("recorded across the restart").isOne();
  }

  @Test
  void holdsRepliesOpenWhenAsked() throws Exception {
    dispatcher.holdRepliesOpen(Duration.ofMinutes(1), "status");

    assertThat(send("status")).isEqualTo("OK");
    assertThat(send("dispatch:" + C1)).isEqualTo("No runners are registered");

    await().atMost(WAIT).until(() -> dispatcher.allClosed("dispatch"));
    assertThat(dispatcher.allClosed("status")).isFalse();
    dispatcher.restart();
    assertThat(dispatcher.allClosed("status")).as("a restart closes them").isTrue();
  }

  @Test
  void dropsARunnerThatNoLongerAnswersPings() throws Exception {
    runner = ChapterRunner.start("r1", dispatcher.address());
    ChapterRunner survivor = ChapterRunner.start("r2", dispatcher.address());
    try {
      assertThat(send("dispatch:" + C1)).isEqualTo("OK");
      assertThat(awaitStarted()).isEqualTo(C1);

      runner.close();

      await().atMost(WAIT).until(() -> dispatcher.runners().equals(
          List.of(survivor.address())));
      assertThat(survivor.pollStarted(WAIT)).as("the dropped runner's commit").isEqualTo(C1);
      survivor.finish(C1);
      await().atMost(WAIT).until(() -> dispatcher.report(C1).isPresent());
      assertThat(dispatcher.report(C1)).contains(survivor.reportFor(C1));
    } finally {
      survivor.close();
    }
  }
}
