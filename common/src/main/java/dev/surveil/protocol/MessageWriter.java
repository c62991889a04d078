package dev.surveil.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes messages as protocol bytes. Requests other than {@code results} end with {@code \n};
 * a {@code results} request is framed by its length and a reply by its own text
 * ({@link ReplyReader}), so neither gets a terminator (the chapter's programs compare replies
 * byte for byte). A signed
 * request is its {@link AuthLine} and {@code \n}, then the request as usual.
 * Thread-safe (stateless).
 */
public final class MessageWriter {
  private MessageWriter() {}

  /** The bytes {@link #write} sends for {@code message}. */
  public static byte[] encode(Message message) {
    String text = LineCodec.format(message);
    boolean terminated = message instanceof Request && !(message instanceof Results);
    return (terminated ? text + "\n" : text).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The bytes of a signed request: the auth line, {@code \n}, then {@link #encode(Message)} of
   * the request.
   */
  public static byte[] encode(AuthLine auth, Request request) {
    byte[] line = (LineCodec.format(auth) + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] body = encode(request);
    byte[] bytes = Arrays.copyOf(line, line.length + body.length);
    System.arraycopy(body, 0, bytes, line.length, body.length);
    return bytes;
  }

  /** Writes and flushes {@code message}. */
  public static void write(OutputStream out, Message message) throws IOException {
    out.write(encode(message));
    out.flush();
  }
}
