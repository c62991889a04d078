package dev.surveil.protocol;

import java.io.IOException;
import java.util.Optional;

/**
 * What a client that signed its request requires of the reply, for {@link ReplyReader}: the
 * reader frames the reply and its auth line ({@link LineCodec#parseReplyAuthLine}), this decides
 * whether the reply is authentic. Declared here and implemented by the authentication scheme
 * ({@code dev.surveil.auth.ReplyAuth}), so that the codec does not depend on it. Implementations
 * must be thread-safe.
 */
public interface ReplyAuthenticator {
  /**
   * Accepts {@code reply}, or throws.
   *
   * @param mac the MAC of the reply's auth line, empty if it came without one
   * @param peer who replied, for the message
   * @throws IOException if the reply is not authentic: it is to be taken as no reply
   */
  void check(Optional<String> mac, Reply reply, String peer) throws IOException;
}
