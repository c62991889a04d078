package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A dispatcher stand-in on a real socket (port 0): records every request it gets and answers
 * with one reply, {@code OK} unless told otherwise. Thread-safe.
 */
final class FakeDispatcher implements AutoCloseable {
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final LineServer server;
  private volatile Reply reply = Reply.OK;

  private FakeDispatcher() {
    server = new LineServer("fake-dispatcher", new InetSocketAddress("localhost", 0),
        request -> {
          requests.add(request);
          return reply;
        }, ServerOptions.DEFAULT, Ticker.SYSTEM);
  }

  static FakeDispatcher start() {
    FakeDispatcher dispatcher = new FakeDispatcher();
    try {
      dispatcher.server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dispatcher;
  }

  HostAndPort address() {
    return new HostAndPort("localhost", server.localAddress().getPort());
  }

  /** Answers every later request with {@code reply}. */
  void replyWith(Reply reply) {
    this.reply = reply;
  }

  /** The next request received, waiting at most 10 seconds for it. */
  Request takeRequest() throws InterruptedException {
    Request request = requests.poll(10, TimeUnit.SECONDS);
    assertThat(request).as("a request to the dispatcher within 10 s").isNotNull();
    return request;
  }

  /** The next request if one arrives within {@code timeout}, else null. */
  Request pollRequest(Duration timeout) throws InterruptedException {
    return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  void assertNoMoreRequests() {
    assertThat(requests).as("requests nobody expected").isEmpty();
  }

  /** Stops listening; later connections are refused. Idempotent. */
  @Override
  public void close() {
    server.close();
  }
}
