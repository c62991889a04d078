package dev.surveil.dispatcher;

import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link RunnerClient} standing in for runners: each runner answers as a test sets it, and
 * every request sent is recorded. Thread-safe.
 */
final class FakeRunners implements RunnerClient {
  /** One request sent to one runner. */
  record Sent(HostAndPort runner, Request request) {}

  final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
  private final Map<HostAndPort, Reply> replies = new ConcurrentHashMap<>();
  private final Map<HostAndPort, CountDownLatch> frozen = new ConcurrentHashMap<>();

  /** The runner answers {@code reply} ({@code OK} means OK to runtest and pong to ping). */
  void answer(HostAndPort runner, Reply reply) {
    replies.put(runner, reply);
  }

  /** The runner is dead: connections are refused. */
  void kill(HostAndPort runner) {
    replies.remove(runner);
  }

  /** The runner hangs until {@code release} counts down, then its connection fails. */
  void freeze(HostAndPort runner, CountDownLatch release) {
    frozen.put(runner, release);
  }

  @Override
  public Reply send(HostAndPort runner, Request request) throws IOException {
    sent.add(new Sent(runner, request));
    CountDownLatch release = frozen.get(runner);
    if (release != null) {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("Read timed out");
    }
    Reply reply = replies.get(runner);
    if (reply == null) {
      throw new ConnectException("Connection refused");
    }
    if (reply == Reply.OK && request instanceof dev.surveil.protocol.Ping) {
      return Reply.PONG;
    }
    return reply;
  }
}
