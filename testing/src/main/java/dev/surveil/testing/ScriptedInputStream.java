package dev.surveil.testing;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * An {@link InputStream} that plays a script, as a socket would: data (at most a set number of
 * bytes per read), quiet periods (a {@link SocketTimeoutException}, like a socket with
 * {@code SO_TIMEOUT}) and an end of stream. It counts what was consumed. Not thread-safe.
 */
public final class ScriptedInputStream extends InputStream {
  /** What a read does once the script is used up. */
  public enum Afterwards { END, QUIET, FAIL }

  private static final Object QUIET = new Object();
  private static final Object END = new Object();

  private final Deque<Object> steps = new ArrayDeque<>();
  private int maxChunk = Integer.MAX_VALUE;
  private Afterwards afterwards = Afterwards.END;
  private Runnable onQuiet = () -> { };
  private Runnable onData = () -> { };
  private long consumed;
  private int quietReads;

  public ScriptedInputStream send(String text) {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  public ScriptedInputStream send(byte[] data) {
    steps.add(new Chunk(data));
    return this;
  }

  /** The next read throws {@link SocketTimeoutException}. */
  public ScriptedInputStream quiet() {
    steps.add(QUIET);
    return this;
  }

  /** Every read from here on returns -1. */
  public ScriptedInputStream end() {
    steps.add(END);
    return this;
  }

  /** Each read returns at most {@code bytes} bytes. */
  public ScriptedInputStream chunksOf(int bytes) {
    maxChunk = bytes;
    return this;
  }

  public ScriptedInputStream afterwards(Afterwards behaviour) {
    afterwards = behaviour;
    return this;
  }

  /** Runs {@code action} at each quiet period, before the read throws. */
  public ScriptedInputStream onQuiet(Runnable action) {
    onQuiet = action;
    return this;
  }

  /** Runs {@code action} at each read that returns data. */
  public ScriptedInputStream onData(Runnable action) {
    onData = action;
    return this;
  }

  public long consumed() {
    return consumed;
  }

  public int quietReads() {
    return quietReads;
  }

  @Override
  public int read() {
    throw new UnsupportedOperationException("readers must read in blocks");
  }

  /**
   * The bytes of the current {@link #send} not yet read, as a socket reports the bytes that have
   * arrived: those of one send arrive together, however few each read returns.
   */
  @Override
  public int available() {
    return steps.peek() instanceof Chunk chunk ? chunk.data.length - chunk.position : 0;
  }

  @Override
  public int read(byte[] b, int off, int len) throws SocketTimeoutException {
    if (len == 0) {
      return 0;
    }
    Object step = steps.peek();
    if (step == null) {
      return afterScript();
    }
    if (step == END) {
      return -1;
    }
    if (step == QUIET) {
      steps.poll();
      return quietRead();
    }
    Chunk chunk = (Chunk) step;
    int n = Math.min(Math.min(len, maxChunk), chunk.data.length - chunk.position);
    System.arraycopy(chunk.data, chunk.position, b, off, n);
    chunk.position += n;
    if (chunk.position == chunk.data.length) {
      steps.poll();
    }
    consumed += n;
    onData.run();
    return n;
  }

  private int afterScript() throws SocketTimeoutException {
    if (afterwards == Afterwards.END) {
      return -1;
    }
    if (afterwards == Afterwards.QUIET) {
      return quietRead();
    }
    throw new AssertionError("read after the script ended, having consumed " + consumed
        + " bytes");
  }

  private int quietRead() throws SocketTimeoutException {
    quietReads++;
    onQuiet.run();
    throw new SocketTimeoutException("Read timed out");
  }

  private static final class Chunk {
    final byte[] data;
    int position;

    Chunk(byte[] data) {
      this.data = Arrays.copyOf(data, data.length);
    }
  }
}
