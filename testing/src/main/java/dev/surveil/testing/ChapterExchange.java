package dev.surveil.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One connection to a {@link ChapterServer}, as its handler and the test see it: the stripped
 * text of the one read, the reply (sent at most once, with no terminator), and whether the
 * connection is closed yet. Only the connection's own thread reads and replies; any thread may
 * look at it. Thread-safe.
 */
public final class ChapterExchange {
  private final Socket socket;
  private final InetSocketAddress peer;
  private final long receivedNanos;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile byte[] raw; // only the connection's thread writes it
  private volatile String text;
  private volatile String reply;
  private volatile long repliedNanos;

  ChapterExchange(Socket socket, byte[] firstRead, int length) {
    this.socket = socket;
    this.peer = (InetSocketAddress) socket.getRemoteSocketAddress();
    this.receivedNanos = System.nanoTime();
    this.raw = Arrays.copyOf(firstRead, length);
    this.text = ChapterRequest.strip(new String(raw, StandardCharsets.UTF_8));
  }

  /** The request as the chapter sees it: the bytes read so far, decoded and stripped. */
  public String text() {
    return text;
  }

  /** The request's command word, or {@code ""} if it has none. */
  public String command() {
    return ChapterRequest.commandOf(text);
  }

  /** How many bytes have been read, before stripping. */
  public int rawLength() {
    return raw.length;
  }

  /** The client's address. */
  public InetSocketAddress peer() {
    return peer;
  }

  /** When the first read returned, in {@link System#nanoTime()} units. */
  public long receivedNanos() {
    return receivedNanos;
  }

  /**
   * Reads until {@code bytes} more bytes have arrived (the chapter's second {@code recv} for a
   * long {@code results}); {@link #text()} then covers them too.
   *
   * @throws EOFException if the client closes first
   */
  public void readMore(int bytes) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] more = in.readNBytes(bytes);
    if (more.length < bytes) {
      throw new EOFException("client closed after " + more.length + " of " + bytes + " bytes");
    }
    byte[] all = Arrays.copyOf(raw, raw.length + more.length);
    System.arraycopy(more, 0, all, raw.length, more.length);
    raw = all;
    text = ChapterRequest.strip(new String(raw, StandardCharsets.UTF_8));
  }

  /**
   * Sends {@code reply} in one write, with no terminator ({@code sendall}); the connection stays
   * open.
   *
   * @throws IllegalStateException if a reply was sent already
   */
  public void reply(String reply) throws IOException {
    if (this.reply != null) {
      throw new IllegalStateException("already replied '" + this.reply + "' to " + text);
    }
    socket.getOutputStream().write(reply.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    this.repliedNanos = System.nanoTime();
    this.reply = reply;
  }

  /** The reply sent, if any. */
  public Optional<String> replied() {
    return Optional.ofNullable(reply);
  }

  /** When the reply was sent, in {@link System#nanoTime()} units; 0 before. */
  long repliedNanos() {
    return repliedNanos;
  }

  /** Whether the server has closed the connection. */
  public boolean isClosed() {
    return closed.getCount() == 0;
  }

  /** Waits at most {@code timeout} for the server to close the connection. */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  void markClosed() {
    closed.countDown();
  }

  @Override
  public String toString() {
    return "'" + ChapterClient.abbreviate(text) + "' from " + peer + " -> "
        + (reply == null ? "(no reply)" : "'" + reply + "'") + (isClosed() ? ", closed" : "");
  }
}
