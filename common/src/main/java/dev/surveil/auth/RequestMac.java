package dev.surveil.auth;

import dev.surveil.protocol.LineCodec;
import dev.surveil.protocol.Request;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * The MAC of a request: HMAC-SHA256, keyed with the secret, of the UTF-8 bytes of
 * {@code <millis>:<nonce>:<request>}, where {@code <request>} is {@link LineCodec#format} of the
 * request (no terminator). Shared by {@link RequestSigner} and {@link RequestVerifier} so that
 * both compute it the same way. Thread-safe (stateless).
 */
final class RequestMac {
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
    Mac mac = secret.newMac();
    mac.update((millis + ":" + nonce + ":").getBytes(StandardCharsets.UTF_8));
    return mac;
  }

  /** The MAC in lower-case hex, as sent in the auth line. */
  static String computeHex(Secret secret, long millis, String nonce, Request request) {
    return HexFormat.of().formatHex(compute(secret, millis, nonce, request));
  }
}
