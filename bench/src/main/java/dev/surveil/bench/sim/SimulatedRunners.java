package dev.surveil.bench.sim;

import dev.surveil.net.LineClient;
import dev.surveil.net.NamedThreadFactory;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many fake runners served by one thread, so that hundreds cost the bench little CPU and the
 * time a ping arrives is read as soon as it arrives. Each listens on its own loopback port,
 * answers {@code ping} with {@code pong} and {@code runtest} with {@code OK}, and then sends the
 * dispatcher a result for that commit at once (see {@link RunnerTraffic}), so it becomes idle
 * again. Thread-safe.
 *
 * <p>Lifecycle: {@link #start}, {@link #registerAll()}, then read the {@link #traffic()};
 * {@link #close()} stops the thread, closes every port and stops sending results.
 */
public final class SimulatedRunners implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatedRunners.class);
  /** Results in flight at once: a real runner sends its own, so up to one per runner. */
  private static final int MAX_RESULT_SENDERS = 64;

  private final HostAndPort dispatcher;
  private final Selector selector;
  private final List<ServerSocketChannel> servers = new ArrayList<>();
  private final List<HostAndPort> addresses = new ArrayList<>();
  private final ExecutorService resultSenders;
  private final RunnerTraffic traffic;
  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
  private final Thread thread;
  private volatile boolean closed;

  private SimulatedRunners(HostAndPort dispatcher, int count) throws IOException {
    this.dispatcher = dispatcher;
    this.selector = Selector.open();
    this.resultSenders = Executors.newFixedThreadPool(Math.min(count, MAX_RESULT_SENDERS),
        new NamedThreadFactory("bench-sim-results", true));
    this.traffic = new RunnerTraffic(dispatcher, client, resultSenders);
    this.thread = new Thread(this::serve, "bench-sim-runners");
    this.thread.setDaemon(true);
  }

  /** Opens {@code count} ports on 127.0.0.1 and starts answering; registers none yet. */
  public static SimulatedRunners start(int count, HostAndPort dispatcher) throws IOException {
    SimulatedRunners runners = new SimulatedRunners(dispatcher, count);
    try {
      for (int i = 0; i < count; i++) {
        ServerSocketChannel server = ServerSocketChannel.open();
        runners.servers.add(server);
        server.bind(new InetSocketAddress("127.0.0.1", 0), 16);
        server.configureBlocking(false);
        server.register(runners.selector, SelectionKey.OP_ACCEPT, i);
        runners.addresses.add(new HostAndPort("127.0.0.1",
            ((InetSocketAddress) server.getLocalAddress()).getPort()));
      }
    } catch (IOException | RuntimeException e) {
      runners.close();
      throw e;
    }
    runners.thread.start();
    return runners;
  }

  /** The address of each runner; a runner's index in this list names it in the traffic. */
  public List<HostAndPort> addresses() {
    return List.copyOf(addresses);
  }

  /** What the runners received and sent. */
  public RunnerTraffic traffic() {
    return traffic;
  }

  /**
   * Registers every runner with the dispatcher, one after another.
   *
   * @throws IOException if the dispatcher cannot be reached or does not answer {@code OK}
   */
  public void registerAll() throws IOException {
    for (HostAndPort address : addresses) {
      Reply reply = client.send(dispatcher, new Register(address));
      if (reply != Reply.OK) {
        throw new IOException("dispatcher answered '" + reply.text() + "' to register");
      }
    }
  }

  private void serve() {
    try {
      while (!closed) {
        selector.select();
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (key.isValid() && key.isAcceptable()) {
            accept(key);
          } else if (key.isValid() && key.isReadable()) {
            ((SimulatedConnection) key.attachment()).onReadable(key, traffic);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        log.error("simulated runners stopped serving", e);
      }
    }
  }

  private void accept(SelectionKey key) throws IOException {
    SocketChannel channel;
    while ((channel = ((ServerSocketChannel) key.channel()).accept()) != null) {
      channel.configureBlocking(false);
      channel.socket().setTcpNoDelay(true);
      channel.register(selector, SelectionKey.OP_READ,
          new SimulatedConnection((Integer) key.attachment()));
    }
  }

  /** Stops answering, closes every port and stops sending results. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    boolean interrupted = false;
    try {
      if (thread.isAlive()) {
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    try {
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
      selector.close();
    } catch (IOException e) {
      log.debug("closing the simulated runners' sockets failed: {}", e.toString());
    }
    resultSenders.shutdownNow();
    try {
      resultSenders.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
