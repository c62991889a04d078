package dev.surveil.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Formatting and parsing the auth line, in memory, with the exact error messages. */
class AuthLineTest {
  private static final String NONCE = "00112233445566778899aabbccddeeff";
  private static final String MAC = "ab".repeat(32);

  @Test
  void formatOfParseIsTheLine() throws Exception {
    for (String line : new String[] {"auth:0:" + NONCE + ":" + MAC,
        "auth:1700000000000:" + NONCE + ":" + MAC, "auth:999999999999999:" + NONCE + ":" + MAC}) {
      assertThat(LineCodec.format(LineCodec.parseAuthLine(line))).isEqualTo(line);
    }
  }

  @Test
  void ignoresOneTerminator() throws Exception {
    assertThat(LineCodec.parseAuthLine("auth:5:" + NONCE + ":" + MAC + "\r\n"))
        .isEqualTo(new AuthLine(5, NONCE, MAC));
  }

  @Test
  void refusesLineThatIsNotAnAuthLine() {
    assertThatThrownBy(() -> LineCodec.parseAuthLine("status\n"))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("no auth line before the request: 'status'");
  }

  @Test
  void refusesWrongNumberOfFields() {
    assertThatThrownBy(() -> LineCodec.parseAuthLine("auth:5:" + NONCE))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("auth line needs <millis>:<nonce>:<mac>: 'auth:5:" + NONCE + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "01", "1000000000000000", "12a", "\u0663"})
  void refusesTimestampThatIsNotACanonicalNumber(String millis) {
    assertThatThrownBy(() -> LineCodec.parseAuthLine("auth:" + millis + ":" + NONCE + ":" + MAC))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageStartingWith("auth timestamp is not a number: ");
  }

  @Test
  void refusesNonceThatIsNot32LowerCaseHexDigits() {
    for (String nonce : new String[] {NONCE.toUpperCase(), NONCE.substring(1), NONCE + "0",
        NONCE.replace('0', 'g'), ""}) {
      assertThatThrownBy(() -> LineCodec.parseAuthLine("auth:5:" + nonce + ":" + MAC))
          .as(nonce)
          .isInstanceOf(AuthenticationException.class)
          .hasMessage("auth nonce is not 32 lower-case hex digits: '" + nonce + "'");
    }
  }

  @Test
  void refusesMacThatIsNot64LowerCaseHexDigits() {
    for (String mac : new String[] {MAC.toUpperCase(), MAC.substring(2), MAC + "ab", ""}) {
      assertThatThrownBy(() -> LineCodec.parseAuthLine("auth:5:" + NONCE + ":" + mac))
          .as(mac)
          .isInstanceOf(AuthenticationException.class)
          .hasMessage("auth MAC is not 64 lower-case hex digits: '" + mac + "'");
    }
  }

  @Test
  void quotesControlCharactersInErrors() {
    assertThatThrownBy(() -> LineCodec.parseAuthLine("auth:5:\u0000:" + MAC))
        .hasMessage("auth nonce is not 32 lower-case hex digits: '\\x00'");
  }
}
