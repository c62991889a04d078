package dev.surveil.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.protocol.HostAndPort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing the {@code host:port} addresses people type on command lines. */
class HostAndPortTest {

  @ParameterizedTest
  @ValueSource(strings = {"localhost:8888", "10.0.0.7:0", "ci.example.org:65535"})
  void parsesAndFormatsHostAndPort(String text) {
    assertThat(HostAndPort.parse(text)).hasToString(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "localhost    | expected host:port, e.g. localhost:8888, but got 'localhost'",
      ":8888        | expected host:port, e.g. localhost:8888, but got ':8888'",
      "localhost:   | expected host:port, e.g. localhost:8888, but got 'localhost:'",
      "localhost:ab | port is not a number in 'localhost:ab'",
      "localhost:-1 | port is not a number in 'localhost:-1'",
      "localhost:\u0668\u0660 | port is not a number in 'localhost:\u0668\u0660'",
      "localhost:123456 | port is not a number in 'localhost:123456'",
      "localhost:70000 | port out of range 0-65535: 70000",
      "' :80'       | host must not be empty"})
  void rejectsMalformedAddressNamingIt(String text, String message) {
    assertThatThrownBy(() -> HostAndPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
