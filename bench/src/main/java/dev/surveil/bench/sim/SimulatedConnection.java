package dev.surveil.bench.sim;

import dev.surveil.protocol.LineCodec;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.RunTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One connection from the dispatcher to a simulated runner: reads the request line, answers it
 * and closes. Only the thread of {@link SimulatedRunners} touches it. Not thread-safe.
 */
final class SimulatedConnection {
  private static final int MAX_LINE = 1024;
  private static final int MAX_WRITE_ATTEMPTS = 1000;

  private final int runner;
  private final ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE + 1);

  SimulatedConnection(int runner) {
    this.runner = runner;
  }

  void onReadable(SelectionKey key, RunnerTraffic traffic) throws IOException {
    SocketChannel channel = (SocketChannel) key.channel();
    int read;
    try {
      read = channel.read(buffer);
    } catch (IOException e) {
      close(key);
      return;
    }
    int newline = indexOfNewline();
    if (newline < 0 && read >= 0 && buffer.hasRemaining()) {
      return; // the rest of the line is still coming
    }
    int length = newline >= 0 ? newline : buffer.position();
    String line = new String(buffer.array(), 0, length, StandardCharsets.UTF_8);
    if (length == 0 && newline < 0) {
      close(key); // closed without a request
      return;
    }
    long arrived = System.nanoTime();
    Reply reply;
    try {
      reply = answer(LineCodec.parseRequest(line), arrived, traffic);
    } catch (ProtocolException e) {
      reply = Reply.INVALID_COMMAND;
    }
    write(channel, MessageWriter.encode(reply));
    close(key);
  }

  private Reply answer(Request request, long arrived, RunnerTraffic traffic) {
    if (request instanceof Ping) {
      traffic.onPing(runner, arrived);
      return Reply.PONG;
    } else if (request instanceof RunTest runTest) {
      traffic.onRunTest(runTest.commit(), arrived);
      return Reply.OK;
    }
    return Reply.INVALID_COMMAND;
  }

  private int indexOfNewline() {
    byte[] bytes = buffer.array();
    for (int i = 0; i < buffer.position(); i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  // A few bytes on a fresh loopback connection: the socket buffer takes them at once.
  private static void write(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(bytes);
    for (int attempt = 0; out.hasRemaining() && attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      channel.write(out);
    }
  }

  private static void close(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException e) {
      // the dispatcher has what it needs, or nothing to gain from an error here
    }
  }
}
