package dev.surveil.protocol;

import static dev.surveil.protocol.LineCodecTest.COMMIT;
import static dev.surveil.protocol.LineCodecTest.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.ScriptedInputStream.Afterwards;
import dev.surveil.testing.ScriptedInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The size limits of {@link MessageReader}: what it refuses, and that it refuses before
 * buffering more than the limit (the scripted stream counts the bytes consumed).
 */
class MessageReaderLimitsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final FakeTicker ticker = new FakeTicker();

  @Test
  void readsReportOfExactlyTheLimit() throws IOException {
    var limits = new Limits(64, 10);
    var in = new ScriptedInputStream().send("results:" + ID + ":10:0123456789")
        .afterwards(Afterwards.QUIET);

    assertThat(new MessageReader(in, limits, ticker, TIMEOUT).readRequest())
        .isEqualTo(new Results(COMMIT, "0123456789"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dispatch:", "results:"}) // a request line, and a results header
  void refusesLongLineHavingReadNoMoreThanTheLimit(String keyword) {
    var in = new ScriptedInputStream().send(keyword + "a".repeat(4096))
        .afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("not a full commit id (40 or 64 hex characters): 'aaaa");
    assertThat(in.consumed()).isLessThanOrEqualTo(1025L);
  }

  @Test
  void refusesHugeReportFromItsHeaderBeforeReadingIt() {
    byte[] body = new byte[1024 * 1024];
    Arrays.fill(body, (byte) 'x');
    var in = new ScriptedInputStream().send("results:" + ID + ":100000000:").send(body)
        .chunksOf(64 * 1024).afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> read(in))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("report of 100000000 bytes is over the limit of 16777216 bytes");
    // the header and at most one buffer's worth of the body
    assertThat(in.consumed()).isLessThanOrEqualTo(Limits.DEFAULT.maxLineBytes());
  }

  @Test
  void refusesReportOneByteOverTheLimit() {
    var limits = new Limits(64, 10);
    var in = new ScriptedInputStream().send("results:" + ID + ":11:").afterwards(Afterwards.FAIL);

    assertThatThrownBy(() -> new MessageReader(in, limits, ticker, TIMEOUT).readRequest())
        .isInstanceOf(ProtocolException.class)
        .hasMessage("report of 11 bytes is over the limit of 10 bytes");
  }

  @Test
  void refusesInvalidLimits() {
    assertThatThrownBy(() -> new Limits(63, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLineBytes must be at least 64: 63");
    assertThatThrownBy(() -> new Limits(64, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxReportBytes must not be negative: -1");
  }

  private Request read(ScriptedInputStream in) throws IOException {
    return new MessageReader(in, Limits.DEFAULT, ticker, TIMEOUT).readRequest();
  }
}
