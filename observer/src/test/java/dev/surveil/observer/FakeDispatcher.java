package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Status;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A dispatcher for tests: a real {@link LineServer} on the loopback interface that records every
 * request and answers {@code status} and {@code dispatch} with configurable replies. Thread-safe.
 */
final class FakeDispatcher implements AutoCloseable {
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  /** Replies for the next dispatches, in order; when empty, {@link #dispatchReply} answers. */
  private final Queue<Reply> scriptedDispatchReplies = new ConcurrentLinkedQueue<>();
  private volatile Reply statusReply = Reply.OK;
  private volatile Reply dispatchReply = Reply.OK;
  private volatile Consumer<Request> spy = request -> { };
  private final LineServer server;

  private FakeDispatcher(int port, ServerOptions options) {
    server = new LineServer("fake-dispatcher",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), this::handle,
        options, Ticker.SYSTEM);
  }

  /** A started dispatcher on a free port. */
  static FakeDispatcher start() {
    return start(0);
  }

  /** A started dispatcher on {@code port}. */
  static FakeDispatcher start(int port) {
    return start(port, ServerOptions.DEFAULT);
  }

  /** A started dispatcher on {@code port} that reads requests with {@code options}. */
  static FakeDispatcher start(int port, ServerOptions options) {
    FakeDispatcher dispatcher = new FakeDispatcher(port, options);
    try {
      dispatcher.server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dispatcher;
  }

  /** A loopback port that nothing listens on (free when this returns). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HostAndPort loopback(int port) {
    return new HostAndPort(InetAddress.getLoopbackAddress().getHostAddress(), port);
  }

  private Reply handle(Request request) {
    spy.accept(request);
    requests.add(request);
    if (request instanceof Status) {
      return statusReply;
    }
    Reply scripted = scriptedDispatchReplies.poll();
    return scripted != null ? scripted : dispatchReply;
  }

  HostAndPort address() {
    return loopback(server.localAddress().getPort());
  }

  void replyToStatus(Reply reply) {
    statusReply = reply;
  }

  void replyToDispatch(Reply reply) {
    dispatchReply = reply;
  }

  /**
   * Runs {@code action} on each request as it arrives, on its connection thread, before it is
   * recorded and answered; an action that blocks holds the reply back.
   */
  void whenRequested(Consumer<Request> action) {
    spy = action;
  }

  /**
   * Holds back the answer to the dispatch of {@code commit} until {@code release} opens (at most
   * 10 s); the returned latch opens when that dispatch arrives.
   */
  CountDownLatch holdDispatchOf(String commit, CountDownLatch release) {
    CountDownLatch arrived = new CountDownLatch(1);
    Dispatch held = new Dispatch(new CommitId(commit));
    whenRequested(request -> {
      if (request.equals(held)) {
        arrived.countDown();
        awaitQuietly(release);
      }
    });
    return arrived;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Answers the next dispatches with {@code replies}, in order, then as before. */
  void scriptDispatchReplies(Reply... replies) {
    scriptedDispatchReplies.addAll(Arrays.asList(replies));
  }

  /** Waits up to 10 s for the next request. */
  Request takeRequest() throws InterruptedException {
    Request request = requests.poll(10, TimeUnit.SECONDS);
    assertThat(request).as("a request within 10 s").isNotNull();
    return request;
  }

  /** Removes and returns every request received so far, oldest first. */
  List<Request> drainRequests() {
    List<Request> drained = new ArrayList<>();
    requests.drainTo(drained);
    return drained;
  }

  @Override
  public void close() {
    server.close();
  }
}
