package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The link's {@link RegistrationWatch}: registering, and again when no longer pinged, on real
 * sockets with fake time.
 */
class RegistrationWatchTest extends LinkTest {
  /** How long to watch for something that must not happen. */
  private static final Duration QUIET = Duration.ofMillis(300);

  @Test
  void keepsRetryingAnUnreachableDispatcherAndRegistersOnceItIsUp() throws Exception {
    fixture.dispatcher.stop();
    fixture.link.start(REGISTER);
    assertThat(fixture.logs.awaitLine("WARN dispatcher")).isEqualTo("WARN dispatcher "
        + fixture.dispatcher.address()
        + " is unreachable (Connection refused); retrying registration");
    // wake() ends a backoff wait at once; time stays short of the check interval throughout
    for (int i = 0; i < 3; i++) {
      fixture.advance(Duration.ofMillis(100)); // another attempt, refused
    }

    fixture.dispatcher.restart();
    fixture.advance(Duration.ofMillis(100));

    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(fixture.logs.awaitLine("INFO registered"))
        .isEqualTo("INFO registered with dispatcher " + fixture.dispatcher.address());
    assertThat(fixture.logs.linesStartingWith("WARN")).as("one WARN per series").hasSize(1);
  }


  @Test
  void staysQuietWhilePingsArrive() throws Exception {
    fixture.startRegistered();
    for (int i = 0; i < 5; i++) {
      fixture.ticker.advance(Duration.ofMillis(1500));
      fixture.contact.record();
      fixture.link.wake();
    }
    fixture.advance(INTERVAL.minusMillis(100));
    assertThat(fixture.dispatcher.pollRequest(QUIET)).isNull();

    fixture.advance(Duration.ofMillis(100));
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(new Status());
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(REGISTER);
  }


  @Test
  void registersAgainWhenNoLongerPinged() throws Exception {
    fixture.startRegistered();
    fixture.contact.record();

    fixture.advance(INTERVAL);

    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(new Status());
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(fixture.logs.awaitLine("INFO not pinged")).isEqualTo("INFO not pinged for 2s;"
        + " registering again with dispatcher " + fixture.dispatcher.address());
    fixture.advance(INTERVAL.minusMillis(1)); // counted from the registration
    assertThat(fixture.dispatcher.pollRequest(QUIET)).isNull();
  }


  @Test
  void registersAgainOnlyOnceTheRunningJobIsDoneAndDelivered() throws Exception {
    fixture.startRegistered();
    CommitId commit = FIRST.commit();
    assertThat(fixture.handler.handle(new RunTest(commit))).isEqualTo(Reply.OK);

    fixture.advance(INTERVAL);
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(new Status());
    fixture.advance(INTERVAL);
    assertThat(fixture.dispatcher.pollRequest(QUIET)).as("no register while testing").isNull();

    fixture.release();
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(LinkFixture.reportOf(commit));
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(REGISTER);
    assertThat(fixture.outbox.isEmpty()).isTrue();
  }


  @Test
  void registersAgainWithBackoffOnceAnUnreachableDispatcherIsBack() throws Exception {
    fixture.startRegistered();
    fixture.dispatcher.stop();
    fixture.advance(INTERVAL);
    assertThat(fixture.logs.awaitLine("WARN")).isEqualTo("WARN not pinged for 2s and dispatcher "
        + fixture.dispatcher.address() + " is unreachable (Connection refused); retrying");

    fixture.dispatcher.restart();
    fixture.advance(Duration.ofSeconds(1)); // past the backoff

    // it was unreachable, so it may have restarted and forgotten the runner: register again
    assertThat(fixture.dispatcher.takeRequest()).isEqualTo(REGISTER);
  }

}
