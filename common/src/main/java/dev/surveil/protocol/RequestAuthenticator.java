package dev.surveil.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Checks a signed request while {@link MessageReader} reads it, as early as each check can be
 * made: {@link #begin} as soon as the auth line is read, before a byte of the request; then the
 * {@link Check} it returns is fed the request, as {@link LineCodec#format(Request)} writes it in
 * UTF-8, in pieces as they arrive, and {@linkplain Check#finish finished} once. Declared here and
 * implemented by the authentication scheme ({@code dev.surveil.auth.RequestVerifier}), so that
 * the codec does not depend on it. Implementations must be thread-safe; a {@link Check} need not
 * be, as it serves one request.
 */
public interface RequestAuthenticator {
  /**
   * Checks what {@code auth} shows by itself, before any of its request is read.
   *
   * @throws AuthenticationException saying what is wrong
   */
  Check begin(AuthLine auth) throws AuthenticationException;

  /** The MAC check of one request whose auth line passed {@link #begin}. Not thread-safe. */
  interface Check {
    /** Feeds the MAC {@code length} bytes of the request from {@code bytes[offset]}. */
    void update(byte[] bytes, int offset, int length);

    /** Feeds the MAC the UTF-8 bytes of {@code text}, a part of the request. */
    default void update(String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      update(bytes, 0, bytes.length);
    }

    /**
     * Checks the MAC of everything fed.
     *
     * @param command the request's command, for the message
     * @throws AuthenticationException if the request is not authentic
     */
    void finish(Command command) throws AuthenticationException;
  }
}
