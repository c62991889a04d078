package dev.surveil.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
    byte[] bytes = new byte[READ_BYTES];
    int length = 0;
    while (true) {
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
        return atEnd(bytes, length, peer);
      }
      length += n;
      Reply reply = complete(bytes, length);
      if (reply != null) {
        return reply;
      }
    }
  }

  /** The reply the bytes form, null if they may still become one. */
  private static Reply complete(byte[] bytes, int length) throws ProtocolException {
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        return LineCodec.parseReply(text(bytes, i));
      }
    }
    String text = text(bytes, length);
    Reply exact = Reply.forText(text).orElse(null);
    if (exact != null) {
      return exact;
    }
    if (Arrays.stream(Reply.values()).noneMatch(reply -> reply.text().startsWith(text))) {
      throw new ProtocolException("unexpected reply: " + CommitId.quote(text));
    }
    return null;
  }

  private static Reply atEnd(byte[] bytes, int length, String peer) throws ProtocolException {
    if (length == 0) {
      throw new ProtocolException("connection closed by " + peer + " without a reply");
    }
    return LineCodec.parseReply(text(bytes, length));
  }

  private static String text(byte[] bytes, int length) {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }
}
