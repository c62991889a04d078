package dev.surveil.auth;

import dev.surveil.protocol.Reply;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.AuthLine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The authentication of a reply to an authenticated request: a server with a {@link Secret}
 * sends {@code auth:<mac>\n} before the reply's text, where {@code <mac>} is the HMAC-SHA256,
 * keyed with the secret, of the UTF-8 bytes of {@code reply:<nonce>:<reply text>}, as 64
 * lower-case hex digits, and {@code <nonce>} is the nonce of the request's {@link AuthLine}. So
 * the MAC binds the reply to the one request it answers: someone between client and server can
 * neither forge a reply nor replay one. A client with a secret takes a reply without a right MAC
 * as no reply; only {@code Unauthorized} and {@code Invalid command} may come unsigned (a server
 * sends them before it has verified the request, or has no secret), since they make the client
 * do nothing. Thread-safe (stateless).
 */
public final class ReplyAuth {
  /** What the reply's auth line starts with. No reply's text starts with {@code a}. */
  static final String PREFIX = "auth:";
  /** The longest auth line of a reply, with a {@code \r\n} terminator. */
  public static final int MAX_LINE_BYTES = PREFIX.length() + AuthLine.MAC_HEX_LENGTH + 2;
  private static final Pattern LINE = Pattern.compile("auth:[0-9a-f]{64}\r?");

  /** What a client that signed a request expects of its reply. Thread-safe. */
  public static final class Expected {
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
  }

  private ReplyAuth() {}

  /** The bytes a server sends for {@code reply} to the request signed with {@code request}. */
  static byte[] encode(Secret secret, AuthLine request, Reply reply) {
    String line = PREFIX + HexFormat.of().formatHex(mac(secret, request.nonce(), reply)) + "\n";
    return (line + reply.text()).getBytes(StandardCharsets.UTF_8);
  }

  /** The text that is MACed, exactly. */
  static String input(String nonce, Reply reply) {
    return "reply:" + nonce + ":" + reply.text();
  }

  /**
   * The MAC of an auth line ({@code auth:<mac>}, one {@code \r} allowed at its end).
   *
   * @throws ProtocolException if it is not one
   */
  public static String parseLine(String line) throws ProtocolException {
    if (!LINE.matcher(line).matches()) {
      throw new ProtocolException("malformed reply auth line: " + CommitId.quote(line));
    }
    return line.substring(PREFIX.length(), PREFIX.length() + AuthLine.MAC_HEX_LENGTH);
  }

  private static byte[] mac(Secret secret, String nonce, Reply reply) {
    return secret.newMac().doFinal(input(nonce, reply).getBytes(StandardCharsets.UTF_8));
  }
}
