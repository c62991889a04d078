package dev.surveil.runner.execution;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The last {@code limit} bytes a child process wrote to a file it appends to. The process opens
 * the file in append mode, so {@link #trim()} can empty the file while it runs (keeping the tail
 * in memory): neither memory nor disk grows beyond a few times {@code limit}, however much the
 * process writes. Not thread-safe: one thread supervises the process and owns this object.
 */
final class OutputTail {
  private final Path file;
  private final int limit;
  private byte[] kept = new byte[0];
  private long dropped;

  OutputTail(Path file, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.file = file;
    this.limit = limit;
  }

  /** The file the process appends to (use {@code ProcessBuilder.Redirect.appendTo}). */
  Path file() {
    return file;
  }

  /**
   * If the file holds more than {@code 2 * limit} bytes, moves its last {@code limit} bytes to
   * memory and empties the file. Bytes written between the read and the truncation are lost,
   * which only matters inside output that is being dropped anyway.
   */
  void trim() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      long size = channel.size();
      if (size <= 2L * limit) {
        return;
      }
      byte[] tail = readTail(channel, size);
      channel.truncate(0);
      dropped += kept.length + size - tail.length;
      kept = tail;
    }
  }

  /** The kept output as text, preceded by a note when older output was dropped. */
  String text() throws IOException {
    if (!Files.exists(file)) {
      return new String(kept, StandardCharsets.UTF_8);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      byte[] fresh = readTail(channel, size);
      int fromKept = Math.min(kept.length, limit - fresh.length);
      byte[] tail = new byte[fromKept + fresh.length];
      System.arraycopy(kept, kept.length - fromKept, tail, 0, fromKept);
      System.arraycopy(fresh, 0, tail, fromKept, fresh.length);
      long total = dropped + kept.length + size;
      String text = new String(tail, StandardCharsets.UTF_8);
      long lost = total - tail.length;
      return lost > 0 ? "[... " + lost + " earlier bytes of output dropped ...]\n" + text : text;
    }
  }

  private byte[] readTail(FileChannel channel, long size) throws IOException {
    int length = (int) Math.min(size, limit);
    ByteBuffer buffer = ByteBuffer.allocate(length);
    long position = size - length;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        break;
      }
    }
    buffer.flip();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
