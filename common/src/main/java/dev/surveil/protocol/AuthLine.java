package dev.surveil.protocol;

import java.util.regex.Pattern;

/**
 * The line {@code auth:<millis>:<nonce>:<mac>} that goes before a request to a server that has a
 * secret: when the request was signed (Unix epoch milliseconds), a random 128-bit nonce
 * and the HMAC-SHA256 of the request, both in lower-case hex. {@link LineCodec} formats and
 * parses it; {@code dev.surveil.auth} makes it ({@code RequestSigner}) and checks it
 * ({@link RequestAuthenticator}). Immutable.
 */
public record AuthLine(long millis, String nonce, String mac) {
  /** The nonce is 16 random bytes, the MAC 32 bytes, each written as lower-case hex. */
  public static final int NONCE_HEX_LENGTH = 32;
  public static final int MAC_HEX_LENGTH = 64;
  private static final Pattern NONCE = Pattern.compile("[0-9a-f]{" + NONCE_HEX_LENGTH + "}");
  private static final Pattern MAC = Pattern.compile("[0-9a-f]{" + MAC_HEX_LENGTH + "}");

  public AuthLine {
    if (millis < 0 || millis > LineCodec.MAX_AUTH_MILLIS) {
      throw new IllegalArgumentException("auth timestamp out of range: " + millis);
    }
    if (nonce == null || !NONCE.matcher(nonce).matches()) {
      throw new IllegalArgumentException("auth nonce is not 32 lower-case hex digits: "
          + CommitId.quote(String.valueOf(nonce)));
    }
    if (mac == null || !MAC.matcher(mac).matches()) {
      throw new IllegalArgumentException("auth MAC is not 64 lower-case hex digits: "
          + CommitId.quote(String.valueOf(mac)));
    }
  }
}
