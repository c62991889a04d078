package dev.surveil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A flood of connections at one server, from one local source address: {@code idle} connections
 * that send nothing and {@code slow} ones that trickle one byte of a request that never ends
 * ({@code register:aaaa…}) every trickle interval. A connection the server closes (or that fails
 * to connect) is opened again after a pause, as an attacker would, for as long as the flood
 * runs. Everything runs on one thread with non-blocking sockets, so a flood of thousands costs
 * one thread and one file descriptor per connection. Thread-safe; {@link #close()} ends every
 * connection and the thread (idempotent).
 *
 * <p>On Linux, any 127.x.y.z is a local address: a flood from {@code 127.0.0.2} comes from
 * another peer address than clients on {@code 127.0.0.1}.
 *
 * <p>A trickle interval longer than the server's quiet period (50 ms by default) gets a slow
 * connection refused at its first pause; to hold a connection as long as the server allows,
 * trickle faster (e.g. every 20 ms).
 */
public final class ConnectionFlood implements AutoCloseable {
  /** How long a closed connection waits before it is opened again, unless told otherwise. */
  public static final Duration DEFAULT_REOPEN_AFTER = Duration.ofSeconds(1);
  private static final byte[] TRICKLE =
      ("register:" + "a".repeat(250)).getBytes(StandardCharsets.US_ASCII);

  private final InetSocketAddress target;
  private final InetAddress source;
  private final long trickleNanos;
  private final long reopenNanos;
  private final Selector selector;
  private final List<Connection> connections = new ArrayList<>();
  private final Deque<Connection> toReopen = new ArrayDeque<>();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicLong closedByTarget = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean closing;
  private volatile IOException failure;

  private final class Connection {
    final boolean slow;
    SocketChannel channel;
    int sent;
    long reopenAt;

    Connection(boolean slow) {
      this.slow = slow;
    }
  }

  private ConnectionFlood(InetSocketAddress target, InetAddress source, int idle, int slow,
      Duration trickleInterval, Duration reopenAfter) throws IOException {
    this.target = target;
    this.source = source;
    this.trickleNanos = trickleInterval.toNanos();
    this.reopenNanos = reopenAfter.toNanos();
    this.selector = Selector.open();
    for (int i = 0; i < idle + slow; i++) {
      connections.add(new Connection(i >= idle));
    }
    this.thread = new Thread(this::run, "connection-flood " + source.getHostAddress() + " > "
        + target);
    thread.setDaemon(true);
  }

  /**
   * Starts a flood at {@code target} from {@code source}, reopening closed connections after
   * {@link #DEFAULT_REOPEN_AFTER}.
   */
  public static ConnectionFlood start(InetSocketAddress target, InetAddress source, int idle,
      int slow, Duration trickleInterval) {
    return start(target, source, idle, slow, trickleInterval, DEFAULT_REOPEN_AFTER);
  }

  /** Starts a flood at {@code target} from {@code source}, reopening after {@code reopenAfter}. */
  public static ConnectionFlood start(InetSocketAddress target, InetAddress source, int idle,
      int slow, Duration trickleInterval, Duration reopenAfter) {
    if (idle < 0 || slow < 0 || trickleInterval.isNegative() || trickleInterval.isZero()
        || reopenAfter.isNegative()) {
      throw new IllegalArgumentException("idle=" + idle + " slow=" + slow + " trickle="
          + trickleInterval + " reopenAfter=" + reopenAfter);
    }
    try {
      ConnectionFlood flood =
          new ConnectionFlood(target, source, idle, slow, trickleInterval, reopenAfter);
      flood.thread.start();
      return flood;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Connections established now (accepted by the server, or waiting in its backlog). */
  public int connected() {
    return connected.get();
  }

  /** Connections the server closed (or refused) since the flood started. */
  public long closedByTarget() {
    return closedByTarget.get();
  }

  private void run() {
    try {
      for (Connection connection : connections) {
        open(connection);
      }
      long nextTrickle = System.nanoTime() + trickleNanos;
      while (!closing) {
        long now = System.nanoTime();
        while (!toReopen.isEmpty() && toReopen.peekFirst().reopenAt - now <= 0) {
          open(toReopen.pollFirst());
        }
        if (now - nextTrickle >= 0) {
          trickle();
          nextTrickle = now + trickleNanos;
        }
        long wait = nextTrickle - now;
        if (!toReopen.isEmpty()) {
          wait = Math.min(wait, toReopen.peekFirst().reopenAt - now);
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
        for (SelectionKey key : selector.selectedKeys()) {
          handle(key);
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      failure = e;
    } finally {
      for (Connection connection : connections) {
        closeChannel(connection);
      }
      try {
        selector.close();
      } catch (IOException e) {
        // nothing left to do with it
      }
      stopped.countDown();
    }
  }

  private void open(Connection connection) throws IOException {
    SocketChannel channel = SocketChannel.open();
    connection.channel = channel;
    connection.sent = 0;
    try {
      channel.configureBlocking(false);
      channel.bind(new InetSocketAddress(source, 0));
      if (channel.connect(target)) {
        connected.incrementAndGet();
        channel.register(selector, SelectionKey.OP_READ, connection);
      } else {
        channel.register(selector, SelectionKey.OP_CONNECT, connection);
      }
    } catch (IOException e) {
      reopenLater(connection); // e.g. no free port for a moment
    }
  }

  private void handle(SelectionKey key) {
    Connection connection = (Connection) key.attachment();
    if (!key.isValid() || connection.channel != key.channel()) {
      return;
    }
    try {
      if (key.isConnectable()) {
        if (connection.channel.finishConnect()) {
          connected.incrementAndGet();
          key.interestOps(SelectionKey.OP_READ);
        }
      } else if (key.isReadable()) {
        ByteBuffer discard = ByteBuffer.allocate(256);
        if (connection.channel.read(discard) < 0) {
          reopenLater(connection);
        }
      }
    } catch (IOException e) {
      reopenLater(connection);
    }
  }

  private void trickle() {
    for (Connection connection : connections) {
      if (!connection.slow || connection.channel == null || !connection.channel.isConnected()
          || connection.sent >= TRICKLE.length) {
        continue;
      }
      try {
        if (connection.channel.write(ByteBuffer.wrap(TRICKLE, connection.sent, 1)) == 1) {
          connection.sent++;
        }
      } catch (IOException e) {
        reopenLater(connection);
      }
    }
  }

  private void reopenLater(Connection connection) {
    if (connection.channel == null) {
      return;
    }
    if (connection.channel.isConnected()) {
      connected.decrementAndGet();
    }
    closedByTarget.incrementAndGet();
    closeChannel(connection);
    connection.reopenAt = System.nanoTime() + reopenNanos;
    toReopen.addLast(connection);
  }

  private static void closeChannel(ConnectionFlood.Connection connection) {
    if (connection.channel == null) {
      return;
    }
    try {
      connection.channel.close();
    } catch (IOException e) {
      // closing is all we wanted
    }
    connection.channel = null;
  }

  /**
   * Closes every connection and stops the flood's thread, waiting up to 10 s for it.
   *
   * @throws IllegalStateException if the flood's thread failed (its selector broke)
   */
  @Override
  public void close() {
    closing = true;
    selector.wakeup();
    try {
      if (!stopped.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(thread.getName() + " did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connected.set(0);
    if (failure != null) {
      throw new IllegalStateException(thread.getName() + " failed", failure);
    }
  }
}
