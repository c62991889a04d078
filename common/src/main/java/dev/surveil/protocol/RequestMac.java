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
    Mac mac = start(secret, millis, nonce);
    return mac.doFinal(LineCodec.format(request).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A MAC that has been fed {@code <millis>:<nonce>:}: feed it the UTF-8 bytes of the formatted
   * request, in as many pieces as they arrive, then call {@link Mac#doFinal()}. Not thread-safe.
   */
  static Mac start(Secret secret, long millis, String nonce) {
    try {
      // Mac objects are not thread-safe and cheap to make; one per request keeps this stateless.
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.key(), ALGORITHM));
      mac.update((millis + ":" + nonce + ":").getBytes(StandardCharsets.UTF_8));
      return mac;
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
