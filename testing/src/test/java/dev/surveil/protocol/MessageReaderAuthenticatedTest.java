package dev.surveil.protocol;

import static dev.surveil.auth.AuthSchemeTest.EXAMPLE_MILLIS;
import static dev.surveil.auth.AuthSchemeTest.EXAMPLE_SECRET;
import static dev.surveil.protocol.LineCodecTest.COMMIT;
import static dev.surveil.protocol.LineCodecTest.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.RequestVerifier;
import dev.surveil.testing.FakeClock;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.ScriptedInputStream.Afterwards;
import dev.surveil.testing.ScriptedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageReader#readAuthenticatedRequest}: what can be checked is checked before the
 * request is read, the MAC over a report as it arrives, and a report holds memory of the
 * {@link ByteBudget} only for what has arrived. No sockets: scripted streams, fake time.
 */
class MessageReaderAuthenticatedTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int CHUNK = 1024;
  private static final String NONCE = "00112233445566778899aabbccddeeff";

  private final FakeTicker ticker = new FakeTicker();
  private final FakeClock clock = new FakeClock(EXAMPLE_MILLIS);
  private final RequestSigner signer = new RequestSigner(EXAMPLE_SECRET, clock);
  private final RequestVerifier verifier =
      new RequestVerifier(EXAMPLE_SECRET, clock, Duration.ofSeconds(30), 16);
  private final ByteBudget budget = new ByteBudget(64 * CHUNK, CHUNK, Duration.ZERO);

  @AfterEach
  void everyChunkIsGivenBack() {
    assertThat(budget.reservedBytes()).as("bytes still reserved from the budget").isZero();
  }

  @Test
  void readsSignedReportVerifiedAsItArrives() throws IOException {
    Results results = new Results(COMMIT, "PASSED caf\u00e9\n".repeat(3000));
    var in = new ScriptedInputStream().send(signer.encode(results)).chunksOf(700)
        .afterwards(Afterwards.QUIET);

    assertThat(read(in)).isEqualTo(results);
    assertThat(verifier.rememberedNonces()).isEqualTo(1);
  }

  @Test
  void readsSignedRequestOtherThanResults() throws IOException {
    var in = new ScriptedInputStream().send(signer.encode(new Dispatch(COMMIT)))
        .afterwards(Afterwards.FAIL);

    assertThat(read(in)).isEqualTo(new Dispatch(COMMIT));
  }

  @Test
  void refusesStaleAuthLineBeforeReadingAByteOfTheRequest() {
    assertThat(refusalOfAReportAfter(authLine(EXAMPLE_MILLIS - 31_000, NONCE)))
        .contains("is -31000 ms from this server's clock");
  }

  @Test
  void refusesReplayedNonceBeforeReadingAByteOfTheRequest() throws IOException {
    byte[] captured = signer.encode(new Ping());
    read(new ScriptedInputStream().send(captured));
    String auth = new String(captured, StandardCharsets.UTF_8).split("\n")[0] + "\n";

    assertThat(refusalOfAReportAfter(auth))
        .endsWith("was already used (a replayed request)");
  }

  /**
   * Sends {@code auth} and then a large report, and returns why the reader refused it, having
   * checked that it read no byte past the auth line.
   */
  private String refusalOfAReportAfter(String auth) {
    var in = new ScriptedInputStream().send(auth).send("results:" + ID + ":16777216:")
        .send(new byte[60 * CHUNK]).afterwards(Afterwards.FAIL);

    Throwable refusal = catchThrowable(() -> read(in));

    assertThat(refusal).isInstanceOf(AuthenticationException.class);
    assertThat(in.consumed()).isEqualTo(auth.length());
    return refusal.getMessage();
  }

  @Test
  void refusesReportWhoseMacIsWrongOnceItsLastByteArrives() {
    // A stranger's guess: a fresh timestamp and nonce pass the first checks, the MAC cannot.
    String auth = authLine(EXAMPLE_MILLIS, NONCE);
    int length = 40 * CHUNK;
    var in = new ScriptedInputStream().send(auth).send("results:" + ID + ":" + length + ":")
        .send(new byte[length]).chunksOf(CHUNK).afterwards(Afterwards.QUIET);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("wrong MAC for results request (a different secret, or the request was "
            + "changed)");
    assertThat(verifier.rememberedNonces()).isZero();
  }

  @Test
  void reportAllocatesOnlyWhatHasArrivedNotWhatItsHeaderDeclares() {
    String auth = authLine(EXAMPLE_MILLIS, NONCE);
    AtomicLong mostReserved = new AtomicLong();
    var in = new ScriptedInputStream().send(auth).send("results:" + ID + ":" + 60 * CHUNK + ":")
        .send(new byte[3 * CHUNK + 1]).chunksOf(100).afterwards(Afterwards.QUIET)
        .onData(() -> mostReserved.accumulateAndGet(budget.reservedBytes(), Math::max))
        .onQuiet(() -> ticker.advance(TIMEOUT));

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("no complete request within 10000 ms");
    assertThat(mostReserved.get()).as("reserved from the header").isEqualTo(60 * CHUNK);
    assertThat(budget.allocatedBytes()).as("allocated as bytes arrived").isEqualTo(4 * CHUNK);
  }

  @Test
  void refusesReportWhenTheBudgetHasNoMemoryLeft() throws IOException {
    Results results = new Results(COMMIT, "x".repeat(2 * CHUNK));
    var in = new ScriptedInputStream().send(signer.encode(results)).afterwards(Afterwards.FAIL);

    try (ByteBudget.Reservation others = budget.reserve(63L * CHUNK)) {
      assertThatThrownBy(() -> read(in))
          .isInstanceOf(ProtocolException.class)
          .hasMessage("no memory for a report of 2048 bytes: the 65536 bytes for reports stayed"
              + " in use by other connections for 0 ms");
      assertThat(budget.reservedBytes()).isEqualTo(63 * CHUNK);
    }
  }

  @Test
  void budgetMemoryIsReusedByTheNextReport() throws IOException {
    for (int i = 0; i < 3; i++) {
      Results results = new Results(COMMIT, "report " + i + "\n" + "y".repeat(50 * CHUNK));
      var in = new ScriptedInputStream().send(signer.encode(results)).chunksOf(CHUNK)
          .afterwards(Afterwards.QUIET);

      assertThat(read(in)).isEqualTo(results);
    }
    assertThat(budget.allocatedBytes()).isEqualTo(51 * CHUNK);
  }

  private Request read(ScriptedInputStream in) throws IOException {
    return new MessageReader(in, Limits.DEFAULT, ticker, TIMEOUT, budget)
        .readAuthenticatedRequest(verifier).request();
  }

  /** An auth line as a stranger makes it: well-formed, with a MAC that is a guess. */
  private static String authLine(long millis, String nonce) {
    return LineCodec.format(new AuthLine(millis, nonce, "ab".repeat(32))) + "\n";
  }
}
