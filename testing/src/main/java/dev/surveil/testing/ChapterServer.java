package dev.surveil.testing;

import dev.surveil.net.NamedThreadFactory;
import dev.surveil.net.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server that serves connections as the chapter's {@code ThreadingTCPServer} with a
 * {@code BaseRequestHandler} does: each connection on its own thread, one read of up to 1024
 * bytes, stripped, handed to a {@link Handler}. The handler replies at most once (no terminator)
 * and may go on working with the connection open; when it returns, the connection is closed, or
 * first held open until {@link #holdRepliesOpen hold} has passed since the reply. A handler that
 * throws has its connection closed at once, without a reply if it had not sent one (the
 * chapter's {@code KeyError}). Every connection is kept as a {@link ChapterExchange}. Unlike the
 * chapter, the first read waits at most 10 s. Thread-safe.
 *
 * <p>Lifecycle: {@link #start}, {@link #close()} (idempotent): closes the port and every open
 * connection, interrupts the handlers and waits up to 10 s for them.
 */
public final class ChapterServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChapterServer.class);
  /** The chapter's {@code BUF_SIZE}: what one read takes at most. */
  public static final int BUF_SIZE = 1024;
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  /** What a chapter handler does with one connection. */
  @FunctionalInterface
  public interface Handler {
    /** Handles the request; returning ends the connection, throwing closes it at once. */
    void handle(ChapterExchange exchange) throws IOException, InterruptedException;
  }

  /** How long replies to some commands (every command when empty) stay open after the reply. */
  private record Hold(Duration duration, Set<String> commands) {
    Duration after(String command) {
      return commands.isEmpty() || commands.contains(command) ? duration : Duration.ZERO;
    }
  }

  private final String name;
  private final ServerSocket listener;
  private final Handler handler;
  private final ExecutorService connections;
  private final Thread acceptThread;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<ChapterExchange> exchanges = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Hold hold = new Hold(Duration.ZERO, Set.of());

  private ChapterServer(String name, ServerSocket listener, Handler handler) {
    this.name = name;
    this.listener = listener;
    this.handler = handler;
    this.connections = Executors.newCachedThreadPool(new NamedThreadFactory(name + "-conn", true));
    this.acceptThread = new Thread(this::acceptLoop, name + "-accept");
    this.acceptThread.setDaemon(true);
  }

  /**
   * Listens on {@code bindAddress} (port 0 picks one; {@code SO_REUSEADDR}, so a restarted peer
   * gets its port back) and serves each connection with {@code handler}.
   */
  public static ChapterServer start(String name, InetSocketAddress bindAddress, Handler handler)
      throws IOException {
    ServerSocket listener = new ServerSocket();
    try {
      listener.setReuseAddress(true);
      listener.bind(bindAddress, 50);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    ChapterServer server = new ChapterServer(name, listener, handler);
    server.acceptThread.start();
    log.debug("server={} listening address={}", name, server.localAddress());
    return server;
  }

  /** The address bound, with the real port. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /**
   * From now on, holds each connection open until {@code duration} after its reply (or longer,
   * while its handler still works), for requests whose command is one of {@code commands}, or
   * every request when none is given.
   */
  public void holdRepliesOpen(Duration duration, Set<String> commands) {
    hold = new Hold(duration, Set.copyOf(commands));
  }

  /** Every connection so far, oldest first. */
  public List<ChapterExchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** How many connections are open now. */
  public int openConnections() {
    return open.size();
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          log.warn("server={} accept failed; no longer accepting: {}", name, e.toString());
        }
        return;
      }
      open.add(socket);
      try {
        connections.execute(() -> serve(socket));
      } catch (RejectedExecutionException e) {
        Sockets.closeQuietly(socket); // closing
      }
      if (closed.get()) {
        Sockets.closeQuietly(socket); // accepted while close() ran
      }
    }
  }

  private void serve(Socket socket) {
    Thread.currentThread().setName(name + "-conn " + socket.getRemoteSocketAddress());
    ChapterExchange exchange = null;
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      InputStream in = socket.getInputStream();
      byte[] first = new byte[BUF_SIZE];
      int n = in.read(first);
      exchange = new ChapterExchange(socket, first, Math.max(n, 0));
      exchanges.add(exchange);
      handler.handle(exchange);
      holdAfterReply(exchange);
    } catch (IOException e) {
      log.debug("server={} exchange={} failed: {}", name, exchange, e.toString());
    } catch (InterruptedException e) {
      log.debug("server={} exchange={} interrupted: closing", name, exchange);
    } catch (RuntimeException e) {
      // as a Python exception in handle(): SocketServer closes the connection
      log.info("server={} handler raised {}; closing {}", name, e.toString(), exchange);
    } finally {
      Sockets.closeQuietly(socket);
      open.remove(socket);
      if (exchange != null) {
        exchange.markClosed();
        log.debug("server={} exchange={}", name, exchange);
      }
    }
  }

  private void holdAfterReply(ChapterExchange exchange) throws InterruptedException {
    if (exchange.replied().isEmpty()) {
      return;
    }
    long until = exchange.repliedNanos() + hold.after(exchange.command()).toNanos();
    long left = until - System.nanoTime();
    if (left > 0) {
      closing.await(left, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Closes the port and every open connection, interrupts the handlers and waits for them.
   * Idempotent.
   *
   * @throws IllegalStateException if a handler is still running after 10 s
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing.countDown();
    try {
      listener.close();
    } catch (IOException e) {
      log.debug("server={} closing the port failed: {}", name, e.toString());
    }
    boolean interrupted = false;
    try {
      acceptThread.join(5_000);
      open.forEach(Sockets::closeQuietly);
      connections.shutdownNow();
      if (!connections.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + ": handlers still running 10 s after close");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    log.debug("server={} closed", name);
  }
}
