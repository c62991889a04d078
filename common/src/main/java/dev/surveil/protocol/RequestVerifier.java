package dev.surveil.protocol;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Checks the {@link AuthLine} of a request against the server's {@link Secret}, in this order:
 * the timestamp is within 30 s of this server's clock; the MAC is right (compared in constant
 * time); the nonce has not been used within the window. One verifier per server, since it
 * remembers the nonces it accepted. Thread-safe.
 */
public final class RequestVerifier {
  /** How far a request's timestamp may be from the server's clock, either way. */
  public static final Duration WINDOW = Duration.ofSeconds(30);
  /** How many nonces are remembered at most: about 1000 requests a second for a minute. */
  public static final int REPLAY_CACHE_CAPACITY = 65_536;

  private final Secret secret;
  private final Clock clock;
  private final long windowMillis;
  private final ReplayCache seen;

  /** A verifier with the system clock, a 30 s window and a 65,536-nonce replay cache. */
  public RequestVerifier(Secret secret) {
    this(secret, Clock.systemUTC(), WINDOW, REPLAY_CACHE_CAPACITY);
  }

  /** A verifier with the given clock, window and replay cache size, for tests. */
  public RequestVerifier(Secret secret, Clock clock, Duration window, int replayCacheCapacity) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.windowMillis = window.toMillis();
    this.seen = new ReplayCache(replayCacheCapacity);
  }

  /**
   * Returns the request if its auth line is valid and its nonce new, and remembers the nonce.
   *
   * @throws AuthenticationException saying what is wrong; nothing is remembered then
   */
  public Request verify(SignedRequest signed) throws AuthenticationException {
    AuthLine auth = signed.auth();
    long now = clock.millis();
    long skew = auth.millis() - now;
    if (Math.abs(skew) > windowMillis) {
      throw new AuthenticationException("auth timestamp " + auth.millis() + " is " + skew
          + " ms from this server's clock; at most " + windowMillis + " ms is allowed");
    }
    byte[] expected = RequestMac.compute(secret, auth.millis(), auth.nonce(), signed.request());
    if (!MessageDigest.isEqual(expected, HexFormat.of().parseHex(auth.mac()))) {
      throw new AuthenticationException("wrong MAC for " + signed.request().command().token()
          + " request (a different secret, or the request was changed)");
    }
    // Remembered until the timestamp leaves the window, when the clock check refuses it anyway.
    ReplayCache.Outcome outcome = seen.add(auth.nonce(), auth.millis() + windowMillis, now);
    if (outcome == ReplayCache.Outcome.ALREADY_SEEN) {
      throw new AuthenticationException("auth nonce " + auth.nonce() + " was already used "
          + "(a replayed request)");
    }
    if (outcome == ReplayCache.Outcome.FULL) {
      throw new AuthenticationException("too many authenticated requests within "
          + windowMillis + " ms; replay cache full");
    }
    return signed.request();
  }

  /** How many nonces the replay cache holds now; for tests and diagnostics. */
  public int rememberedNonces() {
    return seen.size();
  }

  /**
   * The bytes that answer, with {@code reply}, the request that was signed with {@code request}
   * and verified here: {@code reply} after its auth line ({@link ReplyAuth}).
   */
  public byte[] encodeReply(AuthLine request, Reply reply) {
    return ReplyAuth.encode(secret, request, reply);
  }
}
