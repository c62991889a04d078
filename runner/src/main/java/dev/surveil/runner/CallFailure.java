package dev.surveil.runner;

import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import java.io.IOException;
import java.net.SocketException;
import java.util.Locale;

/**
 * Why a call to the dispatcher failed, and whether the dispatcher was up when it did. A dispatcher
 * that answered something other than {@code OK}, or read the request and closed (or reset) the
 * connection without any reply, <em>refused</em> it: it is up, and the same request may be
 * refused again. Any other failure (no connection, an unknown host, no reply in time) leaves the
 * dispatcher <em>unreachable</em>: it may have taken the request, or restarted meanwhile. An
 * immutable value.
 *
 * @param refused whether the dispatcher was up and refused the request
 * @param description what the dispatcher did, to follow its address in a log line, e.g.
 *     {@code "answered 'Invalid command'"} or {@code "is unreachable (Connection refused)"}
 */
record CallFailure(boolean refused, String description) {

  /** The dispatcher answered {@code reply}, which is not {@code OK}. */
  static CallFailure answered(Reply reply) {
    return new CallFailure(true, "answered '" + reply.text() + "'");
  }

  /** The dispatcher answered {@code reply}, which is not {@code OK}, to {@code request}. */
  static CallFailure answered(Reply reply, Request request) {
    return new CallFailure(true,
        "answered '" + reply.text() + "' to " + request.command().token());
  }

  /** The call failed with {@code e}, thrown by {@link DispatcherClient#send}. */
  static CallFailure of(IOException e) {
    String reason = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof ProtocolException || isResetAfterConnecting(e)) {
      return new CallFailure(true, "refused it (" + reason + ")");
    }
    return new CallFailure(false, "is unreachable (" + reason + ")");
  }

  /**
   * Whether {@code e} is the peer resetting an established connection, which only a running
   * dispatcher does (the chapter's closes with our request partly unread when it fails to handle
   * it). Failures to connect are subclasses ({@code ConnectException},
   * {@code NoRouteToHostException}) or carry other messages ("Network is unreachable"), and stay
   * unreachable: taking one for a refusal could make the runner register while a restarted
   * dispatcher still expects its report.
   */
  private static boolean isResetAfterConnecting(IOException e) {
    if (e.getClass() != SocketException.class || e.getMessage() == null) {
      return false;
    }
    String message = e.getMessage().toLowerCase(Locale.ROOT);
    return message.startsWith("connection reset") || message.startsWith("broken pipe");
  }
}
