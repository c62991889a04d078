package dev.surveil.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes messages as protocol bytes. Requests other than {@code results} end with {@code \n};
 * a {@code results} request is framed by its length and a reply by the end of the connection, so
 * neither gets a terminator (the chapter's programs compare replies byte for byte).
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

  /** Writes and flushes {@code message}. */
  public static void write(OutputStream out, Message message) throws IOException {
    out.write(encode(message));
    out.flush();
  }
}
