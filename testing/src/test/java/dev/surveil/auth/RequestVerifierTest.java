package dev.surveil.auth;

import static dev.surveil.auth.AuthSchemeTest.EXAMPLE_MILLIS;
import static dev.surveil.auth.AuthSchemeTest.EXAMPLE_REQUEST;
import static dev.surveil.auth.AuthSchemeTest.EXAMPLE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.RequestVerifier;
import dev.surveil.auth.Secret;
import dev.surveil.protocol.AuthLine;
import dev.surveil.protocol.AuthenticationException;
import dev.surveil.protocol.Command;
import dev.surveil.protocol.LineCodec;
import dev.surveil.protocol.LineCodecTest;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.SignedRequest;
import dev.surveil.testing.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@link RequestVerifier} accepts and refuses, with a clock the test sets. */
class RequestVerifierTest {
  private final FakeClock clock = new FakeClock(EXAMPLE_MILLIS);
  private final RequestSigner signer = new RequestSigner(EXAMPLE_SECRET, clock);
  private final RequestVerifier verifier =
      new RequestVerifier(EXAMPLE_SECRET, clock, Duration.ofSeconds(30), 4);

  @Test
  void acceptsFreshRequestSignedWithTheSameSecret() throws Exception {
    SignedRequest signed = new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST);

    assertThat(verifier.verify(signed)).isEqualTo(EXAMPLE_REQUEST);
    assertThat(verifier.rememberedNonces()).isEqualTo(1);
  }

  @Test
  void refusesRequestSignedWithAnotherSecret() {
    var stranger = new RequestSigner(Secret.of("another-secret-of-some-length"), clock);

    assertThatThrownBy(() -> verifier.verify(
        new SignedRequest(stranger.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("wrong MAC for dispatch request (a different secret, or the request was "
            + "changed)");
    assertThat(verifier.rememberedNonces()).isZero();
  }

  @Test
  void refusesAuthLineTakenFromAnotherRequest() {
    AuthLine auth = signer.sign(EXAMPLE_REQUEST);
    Request other = new RunTest(EXAMPLE_REQUEST.commit());

    assertThatThrownBy(() -> verifier.verify(new SignedRequest(auth, other)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageStartingWith("wrong MAC for runtest request");
  }

  @Test
  void refusesMacWithAnyOneByteChanged() {
    AuthLine auth = signer.sign(EXAMPLE_REQUEST);
    for (int i = 0; i < auth.mac().length(); i += 2) {
      char flipped = auth.mac().charAt(i) == '0' ? '1' : '0';
      String mac = auth.mac().substring(0, i) + flipped + auth.mac().substring(i + 1);
      var forged = new SignedRequest(new AuthLine(auth.millis(), auth.nonce(), mac),
          EXAMPLE_REQUEST);
      assertThatThrownBy(() -> verifier.verify(forged)).as("byte %d", i / 2)
          .isInstanceOf(AuthenticationException.class);
    }
  }

  @Test
  void comparesMacsWithConstantTimeMessageDigestIsEqual() throws IOException {
    // A timing test would be flaky; check the source instead, so a refactoring cannot quietly
    // swap in an early-exit comparison such as Arrays.equals or String.equals.
    Path source = Path.of(System.getProperty("surveil.root", ".."),
        "common/src/main/java/dev/surveil/auth/RequestVerifier.java");
    String text = Files.readString(source);

    assertThat(text).contains("MessageDigest.isEqual(expected, ")
        .doesNotContain("Arrays.equals").doesNotContain("mac().equals");
  }

  @Test
  void acceptsTimestampsUpToTheWindowEitherWay() throws Exception {
    RequestVerifier verifier = verifierStartedAMinuteAgo();
    for (long offset : new long[] {-30_000, 30_000}) {
      AuthLine auth = signer.sign(EXAMPLE_REQUEST, EXAMPLE_MILLIS + offset, nonce(offset));
      assertThat(verifier.verify(new SignedRequest(auth, EXAMPLE_REQUEST)))
          .isEqualTo(EXAMPLE_REQUEST);
    }
  }

  @Test
  void refusesTimestampsJustOutsideTheWindow() {
    RequestVerifier verifier = verifierStartedAMinuteAgo();
    AuthLine old = signer.sign(EXAMPLE_REQUEST, EXAMPLE_MILLIS - 30_001, nonce(1));
    AuthLine ahead = signer.sign(EXAMPLE_REQUEST, EXAMPLE_MILLIS + 30_001, nonce(2));

    assertThatThrownBy(() -> verifier.verify(new SignedRequest(old, EXAMPLE_REQUEST)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("auth timestamp 1699999969999 is -30001 ms from this server's clock; "
            + "at most 30000 ms is allowed");
    assertThatThrownBy(() -> verifier.verify(new SignedRequest(ahead, EXAMPLE_REQUEST)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining(" is 30001 ms from this server's clock");
    assertThat(verifier.rememberedNonces()).isZero();
  }

  @Test
  void refusesReplayOfAnAcceptedRequest() throws Exception {
    SignedRequest signed = new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST);
    verifier.verify(signed);
    clock.advance(Duration.ofSeconds(29));

    assertThatThrownBy(() -> verifier.verify(signed))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("auth nonce " + signed.auth().nonce() + " was already used (a replayed "
            + "request)");
  }

  @Test
  void refusesReplayAfterTheWindowByItsTimestamp() throws Exception {
    SignedRequest signed = new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST);
    verifier.verify(signed);
    clock.advance(Duration.ofSeconds(31));

    assertThatThrownBy(() -> verifier.verify(signed))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("ms from this server's clock");
  }

  @Test
  void forgetsNoncesOnceTheirTimestampsLeaveTheWindow() throws Exception {
    for (int i = 0; i < 3; i++) {
      verifier.verify(new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST));
    }
    clock.advance(Duration.ofSeconds(31));

    verifier.verify(new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST));

    assertThat(verifier.rememberedNonces()).isEqualTo(1);
  }

  @Test
  void refusesNewRequestsWhenFullRatherThanForgetAnUnexpiredNonce() throws Exception {
    SignedRequest first = new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST);
    verifier.verify(first);
    for (int i = 0; i < 3; i++) {
      verifier.verify(new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST));
    }

    assertThatThrownBy(() -> verifier.verify(
        new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("too many authenticated requests within 30000 ms; replay cache full");
    assertThatThrownBy(() -> verifier.verify(first))
        .hasMessageContaining("was already used");
    assertThat(verifier.rememberedNonces()).isEqualTo(4);
  }

  @Test
  void refusesRequestSignedBeforeTheVerifierStarted() throws Exception {
    AuthLine before = signer.sign(EXAMPLE_REQUEST, EXAMPLE_MILLIS - 1, nonce(1));
    AuthLine atStart = signer.sign(EXAMPLE_REQUEST, EXAMPLE_MILLIS, nonce(2));

    assertThatThrownBy(() -> verifier.verify(new SignedRequest(before, EXAMPLE_REQUEST)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("auth timestamp 1699999999999 is before this server started "
            + "(2023-11-14T22:13:20Z); requests signed before a restart are refused, as they "
            + "may be replays");
    assertThat(verifier.verify(new SignedRequest(atStart, EXAMPLE_REQUEST)))
        .isEqualTo(EXAMPLE_REQUEST);
  }

  @Test
  void restartedVerifierRefusesReplayWithinTheWindow() throws Exception {
    SignedRequest signed = new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST);
    verifier.verify(signed);
    clock.advance(Duration.ofSeconds(3));

    // kill -9 and restart: a new verifier, which has no memory of the nonces accepted before
    var restarted = new RequestVerifier(EXAMPLE_SECRET, clock, Duration.ofSeconds(30), 4);

    assertThatThrownBy(() -> restarted.verify(signed))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("is before this server started");
    SignedRequest fresh = new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST);
    assertThat(restarted.verify(fresh)).isEqualTo(EXAMPLE_REQUEST);
  }

  @Test
  void beginRefusesUsedNonceBeforeAnyOfTheRequest() throws Exception {
    SignedRequest signed = new SignedRequest(signer.sign(EXAMPLE_REQUEST), EXAMPLE_REQUEST);
    verifier.verify(signed);

    assertThatThrownBy(() -> verifier.begin(signed.auth()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("auth nonce " + signed.auth().nonce() + " was already used (a replayed "
            + "request)");
  }

  @Test
  void beginRemembersNothingUntilTheMacIsRight() throws Exception {
    Results results = new Results(LineCodecTest.COMMIT, "report");
    AuthLine auth = signer.sign(results);
    RequestVerifier.Verification forged = verifier.begin(auth);
    forged.update(LineCodec.format(new Results(LineCodecTest.COMMIT, "forged")));

    assertThatThrownBy(() -> forged.finish(Command.RESULTS))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageStartingWith("wrong MAC for results request");
    assertThat(verifier.rememberedNonces()).isZero();
  }

  @Test
  void macFedInPiecesEqualsMacOfTheWholeRequest() throws Exception {
    Results results = new Results(LineCodecTest.COMMIT, "caf\u00e9\nline two\n");
    AuthLine auth = signer.sign(results);
    byte[] bytes = LineCodec.format(results).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    RequestVerifier.Verification verification = verifier.begin(auth);
    for (int i = 0; i < bytes.length; i += 3) {
      verification.update(bytes, i, Math.min(3, bytes.length - i));
    }

    verification.finish(Command.RESULTS);
    assertThat(verifier.rememberedNonces()).isEqualTo(1);
  }

  private static RequestVerifier verifierStartedAMinuteAgo() {
    var clock = new FakeClock(EXAMPLE_MILLIS - 60_000);
    var verifier = new RequestVerifier(EXAMPLE_SECRET, clock, Duration.ofSeconds(30), 4);
    clock.advance(Duration.ofMinutes(1));
    return verifier;
  }

  private static String nonce(long seed) {
    return String.format("%032x", seed & Long.MAX_VALUE);
  }
}
