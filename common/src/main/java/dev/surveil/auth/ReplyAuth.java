package dev.surveil.auth;

import dev.surveil.protocol.AuthLine;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.ReplyAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The authentication of a reply to an authenticated request: a server with a {@link Secret}
 * sends {@code auth:<mac>\n} before the reply's text, where {@code <mac>} is the HMAC-SHA256,
 * keyed with the secret, of the UTF-8 bytes of {@code reply:<nonce>:<reply text>}, as 64
 * lower-case hex digits, and {@code <nonce>} is the nonce of the request's {@link AuthLine}. So
 * the MAC binds the reply to the one request it answers: someone between client and server can
 * neither forge a reply nor replay one. A client with a secret takes a reply without a right MAC
 * as no reply; only {@code Unauthorized} and {@code Invalid command} may come unsigned (a server
 * sends them before it has verified the request, or has no secret), since they make the client
 * do nothing. The bytes are the codec's ({@link MessageWriter#encode(String, Reply)},
 * {@link dev.surveil.protocol.ReplyReader}); this class computes and checks the MAC.
 * Thread-safe (stateless).
 */
public final class ReplyAuth {
  /** What a client that signed a request expects of its reply. Thread-safe. */
  public static final class Expected implements ReplyAuthenticator {
    private final Secret secret;
    private final String nonce;

    Expected(Secret secret, String nonce) {
      this.secret = Objects.requireNonNull(secret, "secret");
      this.nonce = Objects.requireNonNull(nonce, "nonce");
    }

    /** Whether {@code macHex} is the MAC of {@code reply} to the request with this nonce. */
    public boolean matches(String macHex, Reply reply) {
      return MessageDigest.isEqual(mac(secret, nonce, reply),
          HexFormat.of().parseHex(macHex));
    }

    /**
     * Accepts a reply with the right MAC, or a refusal without one.
     *
     * @throws UnauthenticatedReplyException otherwise
     */
    @Override
    public void check(Optional<String> mac, Reply reply, String peer)
        throws UnauthenticatedReplyException {
      if (mac.isEmpty()) {
        if (reply == Reply.UNAUTHORIZED || reply == Reply.INVALID_COMMAND) {
          return; // a refusal may come unsigned: it makes the client do nothing
        }
        throw new UnauthenticatedReplyException("reply '" + reply.text() + "' from " + peer
            + " is not authenticated; taken as no reply");
      }
      if (!matches(mac.get(), reply)) {
        throw new UnauthenticatedReplyException("reply '" + reply.text() + "' from " + peer
            + " has a wrong MAC (another secret, or not the server's); taken as no reply");
      }
    }
  }

  private ReplyAuth() {}

  /** The bytes a server sends for {@code reply} to the request signed with {@code request}. */
  static byte[] encode(Secret secret, AuthLine request, Reply reply) {
    return MessageWriter.encode(HexFormat.of().formatHex(mac(secret, request.nonce(), reply)),
        reply);
  }

  /** The text that is MACed, exactly. */
  static String input(String nonce, Reply reply) {
    return "reply:" + nonce + ":" + reply.text();
  }

  private static byte[] mac(Secret secret, String nonce, Reply reply) {
    return secret.newMac().doFinal(input(nonce, reply).getBytes(StandardCharsets.UTF_8));
  }
}
