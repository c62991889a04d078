package dev.surveil.testing;

import dev.surveil.net.NamedThreadFactory;
import dev.surveil.protocol.Limits;
import dev.surveil.protocol.MessageReader;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.SignedRequest;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Someone between a client and its server, for tests: it forwards each request to the server and
 * the server's reply back, byte for byte, except the {@code results} it is told to swallow, which
 * it answers {@code OK} itself, unsigned, the server never seeing them (as an attacker on the
 * path, or a broken proxy, could). It reads requests as Surveil's servers do (signed ones when
 * {@code signed}). Thread-safe.
 *
 * <p>Lifecycle: {@link #start}, {@link #close()} (idempotent).
 */
public final class ManInTheMiddle implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress server;
  private final boolean signed;
  private final AtomicBoolean swallowing = new AtomicBoolean();
  private final AtomicInteger swallowed = new AtomicInteger();
  private final ExecutorService connections =
      Executors.newCachedThreadPool(new NamedThreadFactory("man-in-the-middle", true));
  private final Thread acceptThread;

  private ManInTheMiddle(InetSocketAddress server, boolean signed) throws IOException {
    this.server = server;
    this.signed = signed;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptThread = new Thread(this::accept, "man-in-the-middle-accept");
    this.acceptThread.setDaemon(true);
    this.acceptThread.start();
  }

  /** Listens on a free loopback port and forwards to {@code server}. */
  public static ManInTheMiddle start(InetSocketAddress server, boolean signed) {
    try {
      return new ManInTheMiddle(server, signed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where clients connect to. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /** From now on answers every {@code results} {@code OK} itself (or forwards it again). */
  public void swallowResults(boolean swallow) {
    swallowing.set(swallow);
  }

  /** How many {@code results} it has answered itself. */
  public int swallowed() {
    return swallowed.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        connections.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(10_000);
      MessageReader reader = new MessageReader(client.getInputStream(), Limits.DEFAULT,
          Ticker.SYSTEM, Duration.ofSeconds(10));
      byte[] bytes;
      Request request;
      if (signed) {
        SignedRequest read = reader.readSignedRequest();
        request = read.request();
        bytes = MessageWriter.encode(read.auth(), request);
      } else {
        request = reader.readRequest();
        bytes = MessageWriter.encode(request);
      }
      if (request instanceof Results && swallowing.get()) {
        swallowed.incrementAndGet();
        client.getOutputStream().write("OK".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        return;
      }
      try (Socket upstream = new Socket()) {
        upstream.connect(server, 5_000);
        upstream.setSoTimeout(10_000);
        upstream.getOutputStream().write(bytes);
        upstream.getOutputStream().flush();
        upstream.shutdownOutput();
        InputStream in = upstream.getInputStream();
        client.getOutputStream().write(in.readAllBytes());
        client.getOutputStream().flush();
      }
    } catch (IOException e) {
      // the client or the server went away: as on a real path, the client sees a failure
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    connections.shutdownNow();
    try {
      connections.awaitTermination(10, TimeUnit.SECONDS);
      acceptThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
