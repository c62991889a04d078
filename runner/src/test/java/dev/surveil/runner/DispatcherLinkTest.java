package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Results;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The link's delivery of the outbox and its lifecycle, on real sockets with fake time; its
 * registration is {@link RegistrationWatchTest}'s.
 */
class DispatcherLinkTest extends LinkTest {
  private static final Results SECOND = new Results(
      new CommitId("2222222222222222222222222222222222222222"), "second report\n");

  @Test
  void deliversTheReportsInItsOutboxOldestFirstBeforeRegistering() throws Exception {
    fixture.outbox.put(FIRST);
    fixture.outbox.put(SECOND);

    fixture.link.start(REGISTER);

    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(FIRST);
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(SECOND);
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(fixture.outbox.isEmpty()).isTrue();
    assertThat(fixture.outbox.folder()).isEmptyDirectory();
  }


  @Test
  void keepsAndRetriesAReportTheDispatcherRefusesAndRegistersMeanwhile() throws Exception {
    fixture.dispatcher.replyWith(Reply.INVALID_COMMAND);
    fixture.outbox.put(FIRST);
    fixture.link.start(REGISTER);
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(FIRST);
    assertThat(fixture.logs.awaitLine("WARN cannot")).isEqualTo(
        "WARN cannot deliver results for commit " + FIRST.commit() + " (attempt 1): dispatcher "
        + fixture.dispatcher.address()
        + " answered 'Invalid command'; retrying in 1s");
    assertThat(fixture.dispatcher.takeRequest()).as("refused, so no reason to wait")
        .isEqualTo(REGISTER);
    assertThat(fixture.logs.awaitLine("WARN dispatcher")).isEqualTo("WARN dispatcher "
        + fixture.dispatcher.address()
        + " answered 'Invalid command' to register; retrying registration");
    assertThat(fixture.outbox.folder().resolve(FIRST.commit().value())).exists();

    fixture.dispatcher.replyWith(Reply.OK);
    fixture.advance(Duration.ofSeconds(1));

    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(FIRST);
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(fixture.outbox.folder()).isEmptyDirectory();
    assertThat(fixture.logs.linesStartingWith("INFO delivered"))
        .containsExactly("INFO delivered results for commit " + FIRST.commit());
  }


  @Test
  void closeStopsTheLinkAndCannotBeUndone() throws Exception {
    fixture.startRegistered();

    fixture.link.close();
    fixture.link.close();

    RunnerThreads.awaitNoneAlive();
    assertThatThrownBy(() -> fixture.link.start(REGISTER)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already started or closed");
  }
}
