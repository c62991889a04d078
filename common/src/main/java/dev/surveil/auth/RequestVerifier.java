package dev.surveil.auth;

import dev.surveil.protocol.AuthLine;
import dev.surveil.protocol.AuthenticationException;
import dev.surveil.protocol.Command;
import dev.surveil.protocol.LineCodec;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.RequestAuthenticator;
import dev.surveil.protocol.SignedRequest;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * Checks the {@link AuthLine} of a request against the server's {@link Secret}, in two steps so
 * that a stranger is refused before its request is read. {@link #begin} checks what the auth
 * line alone shows, in this order: the timestamp is within 30 s of this server's clock; it is
 * not older than this verifier (see below); the nonce has not been used within the window. The
 * {@link Verification} it returns is then fed the request's bytes as they arrive and
 * {@linkplain Verification#finish finished}: the MAC is right (compared in constant time), and
 * the nonce is remembered. One verifier per server, made when the server starts, since it
 * remembers the nonces it accepted. Thread-safe.
 *
 * <p>The nonces live in memory only, so a restarted server has forgotten those its previous run
 * accepted. It refuses every request signed before it was made instead: such a request may have
 * been accepted before the restart, and a request signed after it cannot have been. The price:
 * a client whose clock is behind this server's is refused for as long as it is behind (at most
 * the 30 s window, past which it is refused anyway) right after a restart, and retries.
 */
public final class RequestVerifier implements RequestAuthenticator {
  /** How far a request's timestamp may be from the server's clock, either way. */
  public static final Duration WINDOW = Duration.ofSeconds(30);
  /** How many nonces are remembered at most: about 1000 requests a second for a minute. */
  public static final int REPLAY_CACHE_CAPACITY = 65_536;

  private final Secret secret;
  private final Clock clock;
  private final long windowMillis;
  private final long startMillis;
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
    this.startMillis = clock.millis();
    this.seen = new ReplayCache(replayCacheCapacity);
  }

  /**
   * Returns the request if its auth line is valid and its nonce new, and remembers the nonce:
   * {@link #begin}, the request's bytes, {@link Verification#finish}.
   *
   * @throws AuthenticationException saying what is wrong; nothing is remembered then
   */
  public Request verify(SignedRequest signed) throws AuthenticationException {
    Verification verification = begin(signed.auth());
    verification.update(LineCodec.format(signed.request()));
    verification.finish(signed.request().command());
    return signed.request();
  }

  /**
   * Checks what {@code auth} shows by itself, before any of its request is read: its timestamp
   * and its nonce (not yet remembered: only {@link Verification#finish} does that, once the MAC
   * is right, so that only holders of the secret can fill the replay cache).
   *
   * @throws AuthenticationException saying what is wrong
   */
  @Override
  public Verification begin(AuthLine auth) throws AuthenticationException {
    long now = clock.millis();
    long skew = auth.millis() - now;
    if (Math.abs(skew) > windowMillis) {
      throw new AuthenticationException("auth timestamp " + auth.millis() + " is " + skew
          + " ms from this server's clock; at most " + windowMillis + " ms is allowed");
    }
    if (auth.millis() < startMillis) {
      throw new AuthenticationException("auth timestamp " + auth.millis() + " is before this "
          + "server started (" + Instant.ofEpochMilli(startMillis) + "); requests signed before "
          + "a restart are refused, as they may be replays");
    }
    if (seen.contains(auth.nonce(), now)) {
      throw replayed(auth);
    }
    return new Verification(auth, RequestMac.start(secret, auth.millis(), auth.nonce()));
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

  private static AuthenticationException replayed(AuthLine auth) {
    return new AuthenticationException("auth nonce " + auth.nonce() + " was already used "
        + "(a replayed request)");
  }

  /**
   * The MAC check of one request whose auth line passed {@link #begin}: fed the request's bytes
   * ({@link LineCodec#format} of it, as UTF-8) in pieces as they arrive, then finished once.
   * Not thread-safe: one per request.
   */
  public final class Verification implements RequestAuthenticator.Check {
    private final AuthLine auth;
    private final Mac mac;
    private boolean finished;

    private Verification(AuthLine auth, Mac mac) {
      this.auth = auth;
      this.mac = mac;
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      checkOpen();
      mac.update(bytes, offset, length);
    }

    /**
     * Checks the MAC of everything fed, and remembers the nonce.
     *
     * @param command the request's command, for the message
     * @throws AuthenticationException if the MAC is wrong, or the nonce was used meanwhile
     */
    @Override
    public void finish(Command command) throws AuthenticationException {
      checkOpen();
      finished = true;
      byte[] expected = mac.doFinal();
      if (!MessageDigest.isEqual(expected, HexFormat.of().parseHex(auth.mac()))) {
        throw new AuthenticationException("wrong MAC for " + command.token()
            + " request (a different secret, or the request was changed)");
      }
      long now = clock.millis();
      // Remembered until the timestamp leaves the window, when the clock check refuses it anyway.
      ReplayCache.Outcome outcome = seen.add(auth.nonce(), auth.millis() + windowMillis, now);
      if (outcome == ReplayCache.Outcome.ALREADY_SEEN) {
        throw replayed(auth); // another connection used it while this request was read
      }
      if (outcome == ReplayCache.Outcome.FULL) {
        throw new AuthenticationException("too many authenticated requests within "
            + windowMillis + " ms; replay cache full");
      }
    }

    private void checkOpen() {
      if (finished) {
        throw new IllegalStateException("verification of nonce " + auth.nonce()
            + " already finished");
      }
    }
  }
}
