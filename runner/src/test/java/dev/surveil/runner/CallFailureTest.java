package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which failed calls mean the dispatcher is up and refused, and which that it is away. */
class CallFailureTest {

  @Test
  void anAnswerOtherThanOkIsARefusal() {
    assertThat(CallFailure.answered(Reply.INVALID_COMMAND))
        .isEqualTo(new CallFailure(true, "answered 'Invalid command'"));
    assertThat(CallFailure.answered(Reply.UNAUTHORIZED, new Status()))
        .isEqualTo(new CallFailure(true, "answered 'Unauthorized' to status"));
  }

  static IOException[] refusals() {
    return new IOException[] {
        new ProtocolException("connection closed by localhost:8888 without a reply"),
        new ProtocolException("unexpected reply: 'HTTP/1.1 400'"),
        new SocketException("Connection reset"),
        new SocketException("Connection reset by peer"),
        new SocketException("Broken pipe"),
    };
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void aDispatcherThatClosesOrResetsAfterTheRequestRefusedIt(IOException e) {
    assertThat(CallFailure.of(e))
        .isEqualTo(new CallFailure(true, "refused it (" + e.getMessage() + ")"));
  }

  static IOException[] unreachables() {
    return new IOException[] {
        new ConnectException("Connection refused"),
        new NoRouteToHostException("No route to host"),
        new SocketException("Network is unreachable"),
        new UnknownHostException("nosuchhost.invalid"),
        new SocketTimeoutException("Read timed out"),
        new SocketTimeoutException("Connect timed out"),
        new IOException(),
    };
  }

  @ParameterizedTest
  @MethodSource("unreachables")
  void everyOtherFailureLeavesTheDispatcherUnreachable(IOException e) {
    CallFailure failure = CallFailure.of(e);

    assertThat(failure.refused()).isFalse();
    assertThat(failure.description()).startsWith("is unreachable (")
        .contains(e.getMessage() == null ? e.toString() : e.getMessage());
  }
}
