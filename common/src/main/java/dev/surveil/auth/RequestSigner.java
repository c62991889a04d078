package dev.surveil.auth;

import dev.surveil.protocol.AuthLine;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.Request;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Signs requests for a server that has the same {@link Secret}: makes the {@link AuthLine} that
 * {@link MessageWriter#encode(AuthLine, Request)} sends before a request, with the current time
 * and a fresh random nonce, so that a captured request cannot be replayed. Thread-safe.
 */
public final class RequestSigner {
  private final Secret secret;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** Signs with the system clock's time. */
  public RequestSigner(Secret secret) {
    this(secret, Clock.systemUTC());
  }

  /** Signs with {@code clock}'s time, which the server's clock must be within 30 s of. */
  public RequestSigner(Secret secret, Clock clock) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The auth line for {@code request}, with the time now and a new random nonce. */
  public AuthLine sign(Request request) {
    byte[] nonce = new byte[AuthLine.NONCE_HEX_LENGTH / 2];
    random.nextBytes(nonce);
    return sign(request, clock.millis(), HexFormat.of().formatHex(nonce));
  }

  /**
   * The auth line for {@code request} with the given time and nonce (32 lower-case hex digits).
   * For tests and examples: a real request needs a nonce never used before.
   */
  public AuthLine sign(Request request, long millis, String nonce) {
    return new AuthLine(millis, nonce, RequestMac.computeHex(secret, millis, nonce, request));
  }

  /** What the reply to the request sent with {@code sent} must carry ({@link ReplyAuth}). */
  public ReplyAuth.Expected expectedReply(AuthLine sent) {
    return new ReplyAuth.Expected(secret, sent.nonce());
  }

  /** {@link MessageWriter#encode(AuthLine, Request)} of the request, signed now. */
  public byte[] encode(Request request) {
    return MessageWriter.encode(sign(request), request);
  }
}
