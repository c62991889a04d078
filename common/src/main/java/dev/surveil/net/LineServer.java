package dev.surveil.net;

import dev.surveil.lifecycle.UncaughtExceptions;
import dev.surveil.protocol.AuthLine;
import dev.surveil.protocol.AuthenticationException;
import dev.surveil.protocol.MessageReader;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.RequestVerifier;
import dev.surveil.protocol.SignedRequest;
import dev.surveil.time.Ticker;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A thread-per-connection TCP server for the line protocol (the chapter's ThreadingTCPServer):
 * one accept thread, and each connection on its own pooled thread, where one request is read,
 * handed to the {@link MessageHandler} and answered, and the connection closed. Thread-safe.
 *
 * <p>With a {@link RequestVerifier} in its {@link ServerOptions}, only authenticated requests
 * reach the handler; the others are answered {@code Unauthorized}, and each reply to an
 * authenticated request carries a MAC bound to that request ({@link
 * dev.surveil.protocol.ReplyAuth}). After its reply the server
 * half-closes and reads what the peer still sends, for at most 1 s and 64 KiB, before closing:
 * closing with unread bytes would reset the connection, and a reset can destroy the reply before
 * the peer reads it.
 *
 * <p>Lifecycle: construct (with an address, or with a socket from {@link #bind}), {@link #start()}
 * once, {@link #close()} (idempotent). {@code close} stops accepting, closes open connections and
 * waits a bounded time for their threads.
 */
public final class LineServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LineServer.class);
  private static final int STARTED = 1;
  private static final int CLOSED = 2;
  /** How long and how much the server reads after its reply, so the peer gets the reply. */
  private static final long DRAIN_MILLIS = 1_000;
  private static final int DRAIN_BYTES = 64 * 1024;
  /** Connections the system queues while every connection thread is busy or before start. */
  private static final int BACKLOG = 128;

  private final String name;
  private final InetSocketAddress bindAddress; // null when made with a bound socket
  private final MessageHandler handler;
  private final ServerOptions options;
  private final Ticker ticker;
  private final AtomicInteger state = new AtomicInteger();
  private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
  private final Semaphore connectionPermits;
  private final ExecutorService connections;
  // Written by the constructor or start(), read by close() and localAddress() from other threads.
  private volatile ServerSocket serverSocket;
  private volatile Thread acceptThread;

  /**
   * @param name the component name used for thread names, e.g. {@code dispatcher}
   * @param bindAddress where to listen; port 0 picks a free port
   */
  public LineServer(String name, InetSocketAddress bindAddress, MessageHandler handler,
      ServerOptions options, Ticker ticker) {
    this(name, bindAddress, null, handler, options, ticker);
  }

  /**
   * A server on a socket {@link #bind} returned, for a program that binds its port before it
   * opens its files. The server owns the socket from now on: {@link #close()} closes it, started
   * or not.
   *
   * @param name the component name used for thread names, e.g. {@code dispatcher}
   */
  public LineServer(String name, ServerSocket bound, MessageHandler handler,
      ServerOptions options, Ticker ticker) {
    this(name, null, bound, handler, options, ticker);
    if (!bound.isBound() || bound.isClosed()) {
      throw new IllegalArgumentException(name + " server needs a bound, open socket: " + bound);
    }
  }

  private LineServer(String name, InetSocketAddress bindAddress, ServerSocket bound,
      MessageHandler handler, ServerOptions options, Ticker ticker) {
    this.name = name;
    this.bindAddress = bindAddress;
    this.serverSocket = bound;
    this.handler = handler;
    this.options = options;
    this.ticker = ticker;
    this.connectionPermits = new Semaphore(options.maxConnections());
    this.connections = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), new NamedThreadFactory(name + "-conn", false));
  }

  /**
   * Binds {@code address} as every server does (with {@code SO_REUSEADDR}, so a restarted program
   * gets its port back at once) without accepting: connections wait in the backlog until a
   * server made with the socket starts. A program that must hold its port before it reads or
   * writes its files (so that a second start on the same port fails before it touches them)
   * binds first, then opens its files, then makes its server.
   *
   * @throws java.net.BindException if the address is in use or not this machine's
   */
  public static ServerSocket bind(InetSocketAddress address) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(address, BACKLOG);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Binds (unless made with a bound socket; see {@link #bind}) and starts accepting.
   *
   * @throws java.net.BindException if the address is in use
   * @throws IllegalStateException if called twice
   */
  public void start() throws IOException {
    if (!state.compareAndSet(0, STARTED)) {
      throw new IllegalStateException(name + " server already started or closed");
    }
    if (serverSocket == null) {
      try {
        serverSocket = bind(bindAddress);
      } catch (IOException e) {
        state.set(CLOSED);
        connections.shutdown();
        throw e;
      }
    }
    acceptThread = UncaughtExceptions.essential(new Thread(this::acceptLoop, name + "-accept"));
    acceptThread.start();
    log.debug("server={} listening address={}", name, localAddress());
  }

  /** The address actually bound, with the real port when 0 was asked for. */
  public InetSocketAddress localAddress() {
    if (serverSocket == null) {
      throw new IllegalStateException(name + " server not started");
    }
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (state.get() == STARTED) {
      Socket socket;
      try {
        connectionPermits.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        connectionPermits.release();
        if (state.get() == STARTED) {
          log.error("server={} accept failed; no longer accepting", name, e);
        }
        return;
      }
      openSockets.add(socket);
      if (state.get() != STARTED) {
        release(socket); // accepted while close() was running
        return;
      }
      try {
        connections.execute(() -> serve(socket));
      } catch (RejectedExecutionException e) {
        release(socket);
      }
    }
  }

  private void serve(Socket socket) {
    SocketAddress peer = socket.getRemoteSocketAddress();
    String threadName = Thread.currentThread().getName();
    Thread.currentThread().setName(name + "-conn " + peer);
    try (MDC.MDCCloseable ignored = MDC.putCloseable("peer", String.valueOf(peer))) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(Math.toIntExact(Math.max(1, options.quietPeriod().toMillis())));
      AuthLine[] verified = new AuthLine[1]; // the request's, once verified
      Reply reply = replyTo(socket, peer, verified);
      if (reply != null) {
        // with a secret, the reply to a verified request carries a MAC bound to it
        socket.getOutputStream().write(verified[0] == null ? MessageWriter.encode(reply)
            : options.verifier().get().encodeReply(verified[0], reply));
        socket.getOutputStream().flush();
        log.debug("peer={} > {}", peer, reply.text());
        drain(socket, peer);
      }
    } catch (IOException e) {
      log.debug("peer={} connection failed: {}", peer, e.toString());
    } catch (RuntimeException e) {
      log.error("server={} peer={} handler failed; closing without a reply", name, peer, e);
    } finally {
      release(socket);
      Thread.currentThread().setName(threadName);
    }
  }

  private Reply replyTo(Socket socket, SocketAddress peer, AuthLine[] verified)
      throws IOException {
    MessageReader reader = new MessageReader(socket.getInputStream(), options.limits(), ticker,
        options.requestTimeout());
    Request request;
    try {
      request = read(reader, verified);
    } catch (EOFException e) {
      log.debug("peer={} closed without sending a request", peer);
      return null;
    } catch (AuthenticationException e) {
      log.warn("peer={} sent an unauthorized request: {}", peer, e.getMessage());
      return Reply.UNAUTHORIZED;
    } catch (ProtocolException e) {
      log.warn("peer={} sent a bad request: {}", peer, e.getMessage());
      return Reply.INVALID_COMMAND;
    }
    log.debug("peer={} < {}", peer, request);
    return handler.handle(request, (InetSocketAddress) peer);
  }

  private Request read(MessageReader reader, AuthLine[] verified) throws IOException {
    if (options.verifier().isPresent()) {
      SignedRequest signed = reader.readSignedRequest();
      Request request = options.verifier().get().verify(signed);
      verified[0] = signed.auth();
      return request;
    }
    return reader.readRequest();
  }

  /** Half-closes, then reads until the peer closes, for at most 1 s and 64 KiB. */
  private void drain(Socket socket, SocketAddress peer) {
    try {
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      byte[] discard = new byte[4096];
      long deadline = ticker.read() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
      int total = 0;
      while (total < DRAIN_BYTES) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - ticker.read());
        if (left <= 0) {
          return;
        }
        socket.setSoTimeout(Math.toIntExact(left));
        int n = in.read(discard);
        if (n < 0) {
          return;
        }
        total += n;
      }
    } catch (IOException e) {
      // a timeout, or the peer reset the connection: either way, it has the reply or never will
      log.debug("peer={} after the reply: {}", peer, e.toString());
    }
  }

  private void release(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing socket failed: {}", e.toString());
    }
    if (openSockets.remove(socket)) {
      connectionPermits.release();
    }
  }

  /**
   * Stops accepting, closes every open connection and waits up to 5 seconds for connection
   * threads to finish. Idempotent.
   *
   * @throws IllegalStateException if connection threads are still running after the wait
   */
  @Override
  public void close() {
    int previous = state.getAndSet(CLOSED);
    if (previous == CLOSED) {
      return;
    }
    ServerSocket listening = serverSocket;
    if (listening != null) {
      try {
        listening.close();
      } catch (IOException e) {
        log.debug("closing server socket failed: {}", e.toString());
      }
    }
    boolean interrupted = false;
    // Join the accept thread before closing connections, so that none it accepts during close()
    // is missed and left to run until its request deadline.
    Thread accepting = acceptThread;
    if (accepting != null) {
      accepting.interrupt();
      interrupted = !join(accepting);
    }
    for (Socket socket : openSockets) {
      release(socket);
    }
    connections.shutdown();
    try {
      if (!connections.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " server: connection threads still running");
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

  /** Waits up to 5 seconds for {@code thread}; false if interrupted while waiting. */
  private static boolean join(Thread thread) {
    try {
      thread.join(5_000);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }
}
