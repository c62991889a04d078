package dev.surveil.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes messages as protocol bytes: {@link LineCodec}'s text, framed. Requests other than
 * {@code results} end with {@code \n}; a {@code results} request is framed by its length
 * ({@link #isFramedByLength}) and a reply by its own text ({@link ReplyReader}), so neither gets
 * a terminator (the chapter's programs compare replies byte for byte). A signed request is its
 * {@link AuthLine} and {@code \n}, then the request as usual; an authenticated reply is its auth
 * line ({@link LineCodec#formatReplyAuthLine}) and {@code \n}, then the reply as usual.
 * Thread-safe (stateless).
 */
public final class MessageWriter {
  private MessageWriter() {}

  /** The bytes of {@code request}. */
  public static byte[] encode(Request request) {
    String text = LineCodec.format(request);
    return (isFramedByLength(request) ? text : text + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes {@link #write} sends for {@code reply}. */
  public static byte[] encode(Reply reply) {
    return LineCodec.format(reply).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The bytes of a signed request: the auth line, {@code \n}, then {@link #encode(Request)} of
   * the request.
   */
  public static byte[] encode(AuthLine auth, Request request) {
    return concat(LineCodec.format(auth), encode(request));
  }

  /**
   * The bytes of an authenticated reply: {@code auth:<macHex>}, {@code \n}, then
   * {@link #encode(Reply)} of the reply.
   */
  public static byte[] encode(String macHex, Reply reply) {
    return concat(LineCodec.formatReplyAuthLine(macHex), encode(reply));
  }

  /**
   * Whether {@code request} is framed by the length it declares rather than by a terminator: a
   * {@code results} request. Nothing follows it, so a client half-closes after sending it, which
   * tells the server at once that the report is whole, where silence takes a quiet period.
   */
  public static boolean isFramedByLength(Request request) {
    return request.command() == Command.RESULTS;
  }

  /** Writes and flushes {@code reply}. */
  public static void write(OutputStream out, Reply reply) throws IOException {
    out.write(encode(reply));
    out.flush();
  }

  private static byte[] concat(String authLine, byte[] body) {
    byte[] line = (authLine + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = Arrays.copyOf(line, line.length + body.length);
    System.arraycopy(body, 0, bytes, line.length, body.length);
    return bytes;
  }
}
