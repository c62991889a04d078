package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link with reports its dispatcher refuses (closes the connection on them without a reply, as
 * the chapter's dispatcher does for a commit it does not know), on real sockets with fake time.
 */
class RefusedReportTest {
  /** A check interval no test reaches, unless it says otherwise. */
  private static final Duration NEVER = Duration.ofDays(1);
  private static final Register REGISTER = LinkFixture.REGISTER;
  private static final Results OLD = new Results(
      new CommitId("1111111111111111111111111111111111111111"), "old report\n");
  private static final CommitId NEXT = new CommitId("2222222222222222222222222222222222222222");

  @TempDir Path root;
  private LinkFixture fixture;

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private LinkFixture start(Duration checkInterval, DeliverySchedule.Policy refusals) {
    fixture = new LinkFixture(root, checkInterval, refusals);
    fixture.outbox.put(OLD);
    fixture.dispatcher.closeWithoutReplyToResultsOf(OLD.commit());
    fixture.link.start(REGISTER);
    return fixture;
  }

  private String warning(LinkFixture link, int attempt, String retryIn) {
    return "WARN cannot deliver results for commit " + OLD.commit() + " (attempt " + attempt
        + "): dispatcher " + link.dispatcher.address() + " refused it (connection closed by "
        + link.dispatcher.address() + " without a reply); retrying in " + retryIn;
  }

  @Test
  void registersAndTakesTheNextCommitWhileAnOldReportIsRefused() throws Exception {
    LinkFixture link = start(NEVER, DeliverySchedule.Policy.STANDARD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(link.logs.linesStartingWith("WARN")).containsExactly(warning(link, 1, "1s"));

    assertThat(link.handler.handle(new RunTest(NEXT))).isEqualTo(Reply.OK);
    link.release();

    assertThat(link.dispatcher.takeRequest()).as("the new report is not held up")
        .isEqualTo(LinkFixture.reportOf(NEXT));
    link.logs.awaitLine("INFO delivered");
    assertThat(link.outbox.reports()).containsExactly(OLD);
  }

  @Test
  void logsEachRetryAtWarnWithItsAttemptCountAndOnceAtErrorAfterTenMinutes() throws Exception {
    LinkFixture link = start(NEVER, DeliverySchedule.Policy.STANDARD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(REGISTER);
    link.logs.awaitLine(warning(link, 1, "1s"));
    // 1 s doubling to 1 min: attempt 16 comes 603 s after the first, the first past 10 minutes
    List<Integer> delays = List.of(1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60);
    for (int attempt = 2; attempt <= 17; attempt++) {
      link.advance(Duration.ofSeconds(delays.get(attempt - 2)));
      assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
      link.logs.awaitLine(attempt == 16 ? "ERROR" : "WARN cannot deliver results for commit "
          + OLD.commit() + " (attempt " + attempt + ")");
    }

    assertThat(link.logs.linesStartingWith("ERROR")).containsExactly("ERROR results for commit "
        + OLD.commit() + " undeliverable for 603s (16 attempts): dispatcher "
        + link.dispatcher.address() + " refused it (connection closed by "
        + link.dispatcher.address() + " without a reply); keeping them in "
        + link.outbox.folder() + " and retrying in 1m");
    assertThat(link.logs.linesStartingWith("WARN")).hasSize(16)
        .contains(warning(link, 2, "2s"), warning(link, 7, "1m"), warning(link, 17, "1m"));

    link.dispatcher.acceptResultsOf(OLD.commit());
    link.advance(Duration.ofMinutes(1));

    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    link.logs.awaitLine("INFO delivered results for commit " + OLD.commit());
    assertThat(link.outbox.isEmpty()).isTrue();
    assertThat(link.outbox.folder()).isEmptyDirectory();
  }

  @Test
  void aReportOfADispatcherThatIsMerelyUnreachableIsDeliveredBeforeRegistering()
      throws Exception {
    fixture = new LinkFixture(root, NEVER, DeliverySchedule.Policy.STANDARD);
    LinkFixture link = fixture;
    link.outbox.put(OLD);
    link.dispatcher.stop();
    link.link.start(REGISTER);
    assertThat(link.logs.awaitLine("WARN")).isEqualTo("WARN cannot deliver results for commit "
        + OLD.commit() + " (attempt 1): dispatcher " + link.dispatcher.address()
        + " is unreachable (Connection refused); retrying in 100ms");

    link.dispatcher.restart();
    link.advance(Duration.ofMillis(100));

    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(link.logs.linesStartingWith("WARN")).as("no registration while unreachable")
        .hasSize(1);
  }

  @Test
  void retriesARefusedReportBeforeRegisteringAgainAfterTheDispatcherWasUnreachable()
      throws Exception {
    Duration interval = Duration.ofSeconds(2);
    // refused reports wait an hour here: only the outage makes the link try it again sooner
    LinkFixture link = start(interval,
        new DeliverySchedule.Policy(Duration.ofHours(1), Duration.ofHours(1),
            Duration.ofHours(10)));
    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(REGISTER);
    link.logs.awaitLine("INFO registered");
    link.dispatcher.stop();
    link.advance(interval);
    link.logs.awaitLine("WARN not pinged for 2s and dispatcher " + link.dispatcher.address()
        + " is unreachable");

    // back, restarted: it may expect the report it refused before
    link.dispatcher.acceptResultsOf(OLD.commit());
    link.dispatcher.restart();
    link.advance(Duration.ofMillis(100));

    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(link.outbox.isEmpty()).isTrue();
  }

  @Test
  void aGracefulStopRetriesARefusedReportAtOnce() throws Exception {
    LinkFixture link = start(NEVER, DeliverySchedule.Policy.STANDARD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(REGISTER);
    link.logs.awaitLine("INFO registered");

    assertThat(link.link.awaitDelivered(Duration.ofSeconds(10))).as("refused again").isFalse();
    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    link.dispatcher.acceptResultsOf(OLD.commit());
    assertThat(link.link.awaitDelivered(Duration.ofSeconds(10))).as("delivered").isTrue();
    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
  }

  @Test
  void registersAgainWhenNoLongerPingedWhateverTheOutboxHolds() throws Exception {
    Duration interval = Duration.ofSeconds(2);
    LinkFixture link = start(interval, DeliverySchedule.Policy.STANDARD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(REGISTER);
    link.logs.awaitLine("INFO registered");

    // the old report's retry (at 1 s) comes first, then the status check
    link.advance(interval);

    assertThat(link.dispatcher.takeRequest()).isEqualTo(OLD);
    assertThat(link.dispatcher.takeRequest()).isEqualTo(new Status());
    assertThat(link.dispatcher.takeRequest()).isEqualTo(REGISTER);
  }
}
