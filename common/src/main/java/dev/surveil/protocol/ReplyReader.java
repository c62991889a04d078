package dev.surveil.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads one reply from a byte stream, however its bytes are split into reads. A reply is complete
 * as soon as any of these holds, whichever comes first:
 * <ol>
 *   <li>its bytes are exactly one of the protocol's {@link Reply replies} (no reply's text is a
 *       prefix of another's, so this is exact);
 *   <li>a {@code \n} arrives: the reply is the text before it, one {@code \r} dropped;
 *   <li>the stream ends, or the peer resets the connection after sending some bytes.
 * </ol>
 * The peer need not close the connection: the chapter's servers keep it open after replying
 * while they go on working (its runner until its tests are done). Bytes that cannot begin any
 * reply are refused at once. Thread-safe (stateless).
 */
public final class ReplyReader {
  /**
   * Bytes asked for per read. A reply is at most a few dozen bytes, and bytes that cannot begin
   * one are refused at once, so no reply fills it.
   */
  private static final int READ_BYTES = 1024;

  private ReplyReader() {}

  /**
   * Reads one reply from {@code in}.
   *
   * @param peer who is replying, for error messages
   * @throws ProtocolException if the peer closes or resets the connection without a reply, or
   *     its bytes are not one of the protocol's replies
   * @throws IOException if reading fails otherwise, e.g. times out
   */
  public static Reply read(InputStream in, String peer) throws IOException {
    return read(in, peer, null);
  }

  /**
   * Reads one reply from {@code in}, which {@code expected} checks when it is not null: the reply
   * may then come after an auth line, {@code auth:<mac>\n}, whose MAC {@code expected} is given.
   *
   * @param peer who is replying, for error messages
   * @throws ProtocolException as {@link #read(InputStream, String)}, or if the auth line is
   *     malformed
   * @throws IOException if {@code expected} refuses the reply, or reading fails otherwise, e.g.
   *     times out
   */
  public static Reply read(InputStream in, String peer, ReplyAuthenticator expected)
      throws IOException {
    byte[] bytes = new byte[READ_BYTES];
    int length = 0;
    int start = expected == null ? 0 : -1; // where the reply starts; -1: the auth line may come
    String mac = null;
    Reply reply = null;
    while (reply == null) {
      int n;
      try {
        n = in.read(bytes, length, bytes.length - length);
      } catch (SocketException e) {
        // A peer that closes with our request partly unread (the chapter's Python programs do)
        // resets the connection after its reply; what arrived before the reset is the reply.
        if (length == 0) {
          throw new ProtocolException("connection reset by " + peer + " without a reply ("
              + e.getMessage() + ")");
        }
        n = -1;
      }
      if (n < 0) {
        if (start < 0) {
          start = 0; // an unterminated auth line is no reply
        }
        reply = atEnd(bytes, start, length, peer);
        break;
      }
      length += n;
      if (start < 0) {
        if (bytes[0] != LineCodec.AUTH_PREFIX.charAt(0)) { // no reply's text starts with it
          start = 0;
        } else {
          int newline = indexOf(bytes, (byte) '\n', length);
          if (newline < 0) {
            if (length >= LineCodec.MAX_REPLY_AUTH_LINE_BYTES) {
              throw new ProtocolException("reply auth line from " + peer + " too long: "
                  + CommitId.quote(text(bytes, 0, length)));
            }
            continue;
          }
          mac = LineCodec.parseReplyAuthLine(text(bytes, 0, newline));
          start = newline + 1;
        }
      }
      reply = complete(bytes, start, length);
    }
    if (expected != null) {
      expected.check(Optional.ofNullable(mac), reply, peer);
    }
    return reply;
  }

  private static int indexOf(byte[] bytes, byte wanted, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** The reply the bytes from {@code start} form, null if they may still become one. */
  private static Reply complete(byte[] bytes, int start, int length) throws ProtocolException {
    for (int i = start; i < length; i++) {
      if (bytes[i] == '\n') {
        return LineCodec.parseReply(text(bytes, start, i));
      }
    }
    String text = text(bytes, start, length);
    if (text.isEmpty()) {
      return null;
    }
    Reply exact = LineCodec.exactReply(text).orElse(null);
    if (exact != null) {
      return exact;
    }
    if (Arrays.stream(Reply.values()).noneMatch(reply -> reply.text().startsWith(text))) {
      throw new ProtocolException("unexpected reply: " + CommitId.quote(text));
    }
    return null;
  }

  private static Reply atEnd(byte[] bytes, int start, int length, String peer)
      throws ProtocolException {
    if (length == start) {
      throw new ProtocolException("connection closed by " + peer + " without a reply");
    }
    return LineCodec.parseReply(text(bytes, start, length));
  }

  private static String text(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.UTF_8);
  }
}
