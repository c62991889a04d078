package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.Claim;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A dispatcher stand-in on a real socket (port 0): records every request it gets, in order, and
 * answers with one reply, {@code OK} unless told otherwise ({@code claim}s are kept apart, in
 * {@link #takeClaim()}, and answered {@code OK} unless told otherwise); it can also close the
 * connection without a reply to the results of chosen commits, as the chapter's dispatcher does for a
 * commit it did not dispatch. It can stop and start again on the same port, as a restarted
 * dispatcher does. Never pings. Thread-safe.
 */
final class FakeDispatcher implements AutoCloseable {
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final Set<CommitId> closingOn = ConcurrentHashMap.newKeySet();
  private final ServerOptions options;
  private final int port;
  private volatile LineServer server;
  private volatile Reply reply = Reply.OK;
  private final BlockingQueue<Claim> claims = new LinkedBlockingQueue<>();
  private volatile Reply claimReply = Reply.OK;

  private FakeDispatcher(ServerOptions options) {
    this.options = options;
    server = listen(0);
    port = server.localAddress().getPort();
  }

  private LineServer listen(int onPort) {
    LineServer listening = new LineServer("fake-dispatcher",
        new InetSocketAddress("localhost", onPort), request -> {
          if (request instanceof Claim claim) {
            claims.add(claim);
            return claimReply;
          }
          // read first: a test may change them once it sees the request
          Reply answer = reply;
          boolean close = request instanceof Results results
              && closingOn.contains(results.commit());
          requests.add(request);
          if (close) {
            throw new ClosesWithoutReply(((Results) request).commit());
          }
          return answer;
        }, options, Ticker.SYSTEM);
    try {
      listening.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return listening;
  }

  static FakeDispatcher start() {
    return start(ServerOptions.DEFAULT);
  }

  /** A dispatcher that reads requests with {@code options}, e.g. verifying them with a secret. */
  static FakeDispatcher start(ServerOptions options) {
    return new FakeDispatcher(options);
  }

  HostAndPort address() {
    return new HostAndPort("localhost", port);
  }

  /** Answers every later {@code claim} with {@code reply} ({@code OK} until then). */
  void replyToClaimsWith(Reply reply) {
    this.claimReply = reply;
  }

  /** The next {@code claim} received, waiting at most 10 seconds for it. */
  Claim takeClaim() throws InterruptedException {
    Claim claim = claims.poll(10, TimeUnit.SECONDS);
    assertThat(claim).as("a claim to the dispatcher within 10 s").isNotNull();
    return claim;
  }

  /** Answers every later request with {@code reply}. */
  void replyWith(Reply reply) {
    this.reply = reply;
  }

  /**
   * Closes the connection without a reply to every later {@code results} for {@code commit}
   * (after reading it), until {@link #acceptResultsOf}.
   */
  void closeWithoutReplyToResultsOf(CommitId commit) {
    closingOn.add(commit);
  }

  /** Answers the {@code results} of {@code commit} again, as every other request. */
  void acceptResultsOf(CommitId commit) {
    closingOn.remove(commit);
  }

  /** Stops listening: connections are refused until {@link #restart()}. Idempotent. */
  void stop() {
    server.close();
  }

  /** Listens again on the same port, after {@link #stop()}. */
  void restart() {
    server = listen(port);
  }

  /** The next request received, waiting at most 10 seconds for it. */
  Request takeRequest() throws InterruptedException {
    Request request = requests.poll(10, TimeUnit.SECONDS);
    assertThat(request).as("a request to the dispatcher within 10 s").isNotNull();
    return request;
  }

  /** The next request that is not a {@code skipped}, dropping those, waiting up to 10 s. */
  Request takeRequestSkipping(Class<? extends Request> skipped) throws InterruptedException {
    Request request;
    do {
      request = takeRequest();
    } while (skipped.isInstance(request));
    return request;
  }

  /** The next request if one arrives within {@code timeout}, else null. */
  Request pollRequest(Duration timeout) throws InterruptedException {
    return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Forgets the requests received so far, e.g. repeated status checks. */
  void discardRequests() {
    requests.clear();
  }

  void assertNoMoreRequests() {
    assertThat(requests).as("requests nobody expected").isEmpty();
  }

  /** Makes the server close the connection without a reply; no stack trace, it is expected. */
  private static final class ClosesWithoutReply extends RuntimeException {
    ClosesWithoutReply(CommitId commit) {
      super("fake dispatcher closes without a reply to results for " + commit, null, false,
          false);
    }
  }

  /** Stops listening; later connections are refused. Idempotent. */
  @Override
  public void close() {
    server.close();
  }
}
