package dev.surveil.net;

import dev.surveil.auth.ReplyAuth;
import dev.surveil.auth.RequestVerifier;
import dev.surveil.lifecycle.Closer;
import dev.surveil.lifecycle.Lifecycle;
import dev.surveil.lifecycle.Worker;
import dev.surveil.protocol.AuthLine;
import dev.surveil.protocol.AuthenticationException;
import dev.surveil.protocol.MessageReader;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.SignedRequest;
import dev.surveil.time.Ticker;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A thread-per-connection TCP server for the line protocol (the chapter's ThreadingTCPServer):
 * one accept thread, and each connection on its own pooled thread, where one request is read,
 * handed to the {@link MessageHandler} and answered, and the connection closed. Thread-safe.
 *
 * <p>Connections take slots ({@link ServerOptions#maxConnections()}, at most
 * {@link ServerOptions#maxConnectionsPerPeer()} per peer address; {@link ConnectionSlots} says
 * who gives way). The accept thread never waits for a slot: it accepts, and a connection that
 * gets none is closed at once. While more than half the slots are taken, a reaper thread closes
 * connections whose request has taken longer than {@link ServerOptions#busyRequestTimeout()}.
 * So a flood of idle or slow connections from a few addresses cannot keep others out.
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
  /** How long close() waits for the accept thread, then for the connection threads. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** How long and how much the server reads after its reply, so the peer gets the reply. */
  private static final long DRAIN_MILLIS = 1_000;
  private static final int DRAIN_BYTES = 64 * 1024;
  /**
   * Connections the system queues before the accept thread takes them, or before start; Linux
   * caps it at net.core.somaxconn (4096 by default since 5.4). A flood reconnects in bursts, and
   * a connection that finds the queue full waits 1 s for its SYN to be sent again.
   */
  private static final int BACKLOG = 4096;
  /** How long a connection waits for its request before its own peer's next may replace it. */
  private static final long MINIMUM_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** How long the accept thread waits after a failed accept, e.g. out of file descriptors. */
  private static final long ACCEPT_RETRY_MILLIS = 100;
  /** How often the reaper looks for connections too slow for a busy server. */
  private static final long REAP_MILLIS = 50;

  private final String name;
  private final InetSocketAddress bindAddress; // null when made with a bound socket
  private final MessageHandler handler;
  private final ServerOptions options;
  private final Ticker ticker;
  private final Lifecycle state;
  private final Worker acceptor;
  private final ConnectionSlots slots;
  private final ShedConnectionLog shed;
  private final ExecutorService connections;
  private final ScheduledExecutorService reaper;
  // Written by the constructor or start(), read by close() and localAddress() from other threads.
  private volatile ServerSocket serverSocket;
  // accept thread only
  private long acceptFailures;
  private long lastAcceptFailureLog;

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
    this.state = new Lifecycle(name + " server");
    this.acceptor = Worker.nonDaemon(name + "-accept", this::acceptLoop);
    this.bindAddress = bindAddress;
    this.serverSocket = bound;
    this.handler = handler;
    this.options = options;
    this.ticker = ticker;
    long minimumAge = Math.max(MINIMUM_AGE_NANOS, 2 * options.quietPeriod().toNanos());
    this.slots = new ConnectionSlots(options.maxConnections(), options.maxConnectionsPerPeer(),
        options.authenticatedReserve(), minimumAge);
    this.shed = new ShedConnectionLog(name, options);
    this.connections = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), new NamedThreadFactory(name + "-conn", false));
    this.reaper = Executors.newSingleThreadScheduledExecutor(
        new NamedThreadFactory(name + "-reaper", true));
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
    state.start();
    if (serverSocket == null) {
      try {
        serverSocket = bind(bindAddress);
      } catch (IOException e) {
        close();
        throw e;
      }
    }
    reaper.scheduleWithFixedDelay(this::reap, REAP_MILLIS, REAP_MILLIS, TimeUnit.MILLISECONDS);
    acceptor.start();
    log.debug("server={} listening address={}", name, localAddress());
  }

  /** The address actually bound, with the real port when 0 was asked for. */
  public InetSocketAddress localAddress() {
    if (serverSocket == null) {
      throw new IllegalStateException(name + " server not started");
    }
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  /** Connections holding a slot now: being read, answered, or closing after the reply. */
  public int openConnections() {
    return slots.held();
  }

  private void acceptLoop() {
    while (state.isStarted()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!state.isStarted()) {
          return;
        }
        if (serverSocket.isClosed()) {
          log.error("server={} accept failed; no longer accepting", name, e);
          return;
        }
        if (!pauseAfterAcceptFailure(e)) {
          return;
        }
        continue;
      }
      InetAddress peer = socket.getInetAddress();
      ConnectionSlots.Admission admission = slots.admit(socket, peer, ticker.read());
      if (admission.displaced() != null) {
        shed.count(admission.displaced().peer, ShedConnectionLog.Reason.DISPLACED);
        reset(admission.displaced().socket);
      }
      if (admission.slot() == null) {
        shed.count(peer, ShedConnectionLog.Reason.REFUSED);
        reset(socket);
        continue;
      }
      ConnectionSlots.Slot slot = admission.slot();
      if (!state.isStarted()) {
        release(slot); // accepted while close() was running
        return;
      }
      try {
        connections.execute(() -> serve(slot));
      } catch (RejectedExecutionException e) {
        release(slot);
      }
    }
  }

  /**
   * A failed accept on an open socket (out of file descriptors, say, while other programs or
   * connections hold them) need not be the end: logs it (at most once per interval) and waits
   * a moment before the next accept. False if interrupted (close() is running).
   */
  private boolean pauseAfterAcceptFailure(IOException e) {
    long now = ticker.read();
    if (acceptFailures++ == 0 || now - lastAcceptFailureLog >= ShedConnectionLog.INTERVAL_NANOS) {
      log.warn("server={} accept failed, retrying every {} ms: {} (failures so far: {})", name,
          ACCEPT_RETRY_MILLIS, e.toString(), acceptFailures);
      lastAcceptFailureLog = now;
    }
    try {
      Thread.sleep(ACCEPT_RETRY_MILLIS);
      return true;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Closes connections too slow for a busy server, and reports what was closed. */
  private void reap() {
    try {
      long now = ticker.read();
      long timeout = options.busyRequestTimeout().toNanos();
      for (ConnectionSlots.Slot slot : slots.overdue(timeout, now)) {
        shed.count(slot.peer, ShedConnectionLog.Reason.TOO_SLOW);
        reset(slot.socket);
      }
      shed.report(now);
    } catch (RuntimeException e) {
      // an exception would cancel the schedule silently: log it and keep reaping
      log.error("server={} reaper failed", name, e);
    }
  }

  private void serve(ConnectionSlots.Slot slot) {
    Socket socket = slot.socket;
    SocketAddress peer = socket.getRemoteSocketAddress();
    String threadName = Thread.currentThread().getName();
    Thread.currentThread().setName(name + "-conn " + peer);
    try (MDC.MDCCloseable ignored = MDC.putCloseable("peer", String.valueOf(peer))) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(Math.toIntExact(Math.max(1, options.quietPeriod().toMillis())));
      AuthLine[] verified = new AuthLine[1]; // the request's, once verified
      Reply reply = replyTo(slot, peer, verified);
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
      release(slot);
      Thread.currentThread().setName(threadName);
    }
  }

  private Reply replyTo(ConnectionSlots.Slot slot, SocketAddress peer, AuthLine[] verified)
      throws IOException {
    MessageReader reader = new MessageReader(slot.socket.getInputStream(), options.limits(),
        ticker, options.requestTimeout(), options.reportBudget());
    Request request;
    try {
      request = read(reader, verified);
      slots.answering(slot);
      if (options.verifier().isPresent()) {
        slots.authenticated(slot, ticker.read());
      }
    } catch (EOFException e) {
      log.debug("peer={} closed without sending a request", peer);
      return null;
    } catch (AuthenticationException e) {
      slots.answering(slot);
      log.warn("peer={} sent an unauthorized request: {}", peer, e.getMessage());
      return Reply.UNAUTHORIZED;
    } catch (ProtocolException e) {
      slots.answering(slot);
      log.warn("peer={} sent a bad request: {}", peer, e.getMessage());
      return Reply.INVALID_COMMAND;
    }
    log.debug("peer={} < {}", peer, request);
    return handler.handle(request, (InetSocketAddress) peer);
  }

  private Request read(MessageReader reader, AuthLine[] verified) throws IOException {
    if (options.verifier().isPresent()) {
      SignedRequest signed = reader.readAuthenticatedRequest(options.verifier().get());
      verified[0] = signed.auth();
      return signed.request();
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

  private void release(ConnectionSlots.Slot slot) {
    Sockets.closeQuietly(slot.socket);
    slots.release(slot);
  }

  /**
   * Closes a connection the server sheds with a reset rather than a FIN, so that it leaves no
   * TIME_WAIT entry behind: a flood reconnecting thousands of times a second would otherwise
   * fill the kernel's table. The peer sees "connection reset", as good as a close without a
   * reply.
   */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      log.debug("SO_LINGER failed: {}", e.toString());
    }
    Sockets.closeQuietly(socket);
  }

  /**
   * Stops accepting, closes every open connection and waits up to 5 seconds for the accept
   * thread, then up to 5 seconds for connection threads to finish. Idempotent.
   *
   * @throws IllegalStateException if the accept thread or connection threads are still running
   *     after the wait (the rest is closed all the same)
   */
  @Override
  public void close() {
    if (!state.close()) {
      return;
    }
    // Closed last registered first. Join the accept thread before closing connections, so that
    // none it accepts during close() is missed and left to run until its request deadline.
    try (Closer parts = new Closer()) {
      parts.register(this::closeConnections);
      parts.register(() -> acceptor.close(CLOSE_TIMEOUT));
      parts.register(this::closeServerSocket);
    }
    log.debug("server={} closed", name);
  }

  /** Breaks the accept thread out of {@code accept}. */
  private void closeServerSocket() {
    ServerSocket listening = serverSocket;
    if (listening != null) {
      try {
        listening.close();
      } catch (IOException e) {
        log.debug("closing server socket failed: {}", e.toString());
      }
    }
  }

  private void closeConnections() {
    reaper.shutdownNow();
    for (ConnectionSlots.Slot slot : slots.all()) {
      release(slot);
    }
    connections.shutdown();
    Closer.awaitTermination(name + "-conn", connections, CLOSE_TIMEOUT);
  }
}
