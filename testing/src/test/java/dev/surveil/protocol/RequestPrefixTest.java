package dev.surveil.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.RequestPrefix.Kind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the bytes of an unterminated request say about it, on plain strings. */
class RequestPrefixTest {
  private static final String SHA1 = "0123456789abcdef0123456789abcdef01234567";

  @ParameterizedTest
  @ValueSource(strings = {"status", "ping", "notify", "dispatch:" + SHA1, "runtest:" + SHA1,
      "dispatch:0123456789ABCDEF0123456789ABCDEF01234567",
      "runtest:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "register:localhost:8900", "register:localhost:54321", "register:10.0.0.7:6554",
      "register:h:65535", "claim:" + SHA1 + ":localhost:8900"})
  void completeRequestsCannotGrow(String text) {
    assertThat(RequestPrefix.classify(text).kind()).isEqualTo(Kind.COMPLETE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "stat", "dispatch", "dispatch:", "dispatch:abcd",
      "dispatch:" + SHA1 + "0", "runtest:0123", "register", "register:", "register:local",
      "register:localhost", "register:localhost:", "register:localhost:6553",
      "register:localhost:1", "register:localhost:0", "results", "results:", "results:" + SHA1,
      "results:" + SHA1 + ":", "results:" + SHA1 + ":12", "claim", "claim:" + SHA1,
      "claim:" + SHA1 + ":localhost", "claim:" + SHA1 + ":localhost:890"})
  void prefixesThatCouldStillGrowAreIncomplete(String text) {
    assertThat(RequestPrefix.classify(text).kind()).isEqualTo(Kind.INCOMPLETE);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("hello", "unknown command: 'hello'"),
        Arguments.of("GET / HTTP/1.1", "unknown command: 'GET / HTTP/1.1'"),
        Arguments.of("auth:1700000000000", "unknown command: 'auth'"),
        Arguments.of("statuses", "unknown command: 'statuses'"),
        Arguments.of("status:extra", "status takes no arguments: 'status:extra'"),
        Arguments.of("ping:", "ping takes no arguments: 'ping:'"),
        Arguments.of("dispatch:not-a-commit",
            "not a full commit id (40 or 64 hex characters): 'not-a-commit'"),
        Arguments.of("runtest:" + "a".repeat(65),
            "not a full commit id (40 or 64 hex characters): '" + "a".repeat(65) + "'"),
        Arguments.of("dispatch:" + SHA1 + " ", "not a full commit id (40 or 64 hex characters): '"
            + SHA1 + " '"),
        Arguments.of("register:-host", "not a host name or IPv4 address: '-host'"),
        Arguments.of("register::8900", "not a host name or IPv4 address: ''"),
        Arguments.of("register:local host:8900", "not a host name or IPv4 address: 'local host'"),
        Arguments.of("register:localhost:89a", "register port is not a number: '89a'"),
        Arguments.of("register:localhost:8900:1", "register port is not a number: '8900:1'"),
        Arguments.of("register:localhost:123456", "register port is not a number: '123456'"),
        Arguments.of("register:localhost:65536", "port out of range 1-65535: 65536"),
        Arguments.of("register:localhost:00000", "port out of range 1-65535: 00000"),
        Arguments.of("results:../../x", "not a full commit id (40 or 64 hex characters): '../../x'"),
        Arguments.of("results:" + SHA1 + ":-1", "report length is not a number: '-1'"),
        Arguments.of("results:" + SHA1 + ":4294967296", "report length too large: 4294967296"),
        Arguments.of("claim:6b06cc31:localhost",
            "not a full commit id (40 or 64 hex characters): '6b06cc31'"),
        Arguments.of("claim:" + SHA1 + ":local host", "not a host name or IPv4 address: 'local host'"),
        Arguments.of("results:6b06cc31:5",
            "not a full commit id (40 or 64 hex characters): '6b06cc31'"),
        Arguments.of("results:" + SHA1 + "01:5",
            "not a full commit id (40 or 64 hex characters): '" + SHA1 + "01'"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void prefixesThatNoByteCanMakeValidAreInvalidWithTheReason(String text, String problem) {
    RequestPrefix.Verdict verdict = RequestPrefix.classify(text);

    assertThat(verdict.kind()).isEqualTo(Kind.INVALID);
    assertThat(verdict.problem()).isEqualTo(problem);
  }

  @Test
  void everyWellFormedRequestIsCompleteOrStillParses() throws ProtocolException {
    // The quiet period settles what classify leaves open: each incomplete one still parses.
    for (Arguments arguments : LineCodecTest.requests().toList()) {
      String line = (String) arguments.get()[0];
      if (line.startsWith("results:")) {
        continue; // framed by its length, not by classify
      }
      Kind kind = RequestPrefix.classify(line).kind();
      assertThat(kind).as(line).isNotEqualTo(Kind.INVALID);
      if (kind == Kind.INCOMPLETE) {
        assertThat(LineCodec.parseRequest(line)).as(line).isNotNull();
      }
    }
  }
}
