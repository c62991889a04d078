package dev.surveil.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MAC of a request: HMAC-SHA256, keyed with the secret, of the UTF-8 bytes of
 * {@code <millis>:<nonce>:<request>}, where {@code <request>} is {@link LineCodec#format} of the
 * request (no terminator). Shared by {@link RequestSigner} and {@link RequestVerifier} so that
 * both compute it the same way. Thread-safe (stateless).
 */
final class RequestMac {
  private static final String ALGORITHM = "HmacSHA256";

  private RequestMac() {}

  /** The text that is MACed, exactly. */
  static String input(long millis, String nonce, Request request) {
    return millis + ":" + nonce + ":" + LineCodec.format(request);
  }

  /** The 32-byte MAC. */
  static byte[] compute(Secret secret, long millis, String nonce, Request request) {
    try {
      // Mac objects are not thread-safe and cheap to make; one per call keeps this stateless.
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.key(), ALGORITHM));
      return mac.doFinal(input(millis, nonce, request).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      // every Java runtime must provide HmacSHA256, and Secret is never empty
      throw new IllegalStateException("cannot compute " + ALGORITHM + ": " + e, e);
    }
  }

  /** The MAC in lower-case hex, as sent in the auth line. */
  static String computeHex(Secret secret, long millis, String nonce, Request request) {
    return HexFormat.of().formatHex(compute(secret, millis, nonce, request));
  }
}
