package dev.surveil.testing;

import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.Claim;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A dispatcher stand-in for the observer's and the runner's tests: a real {@link LineServer} on
 * the loopback interface that records every request, in order, and answers each with one reply,
 * {@code OK} unless told otherwise (by request type, or scripted for the next dispatches).
 * {@code claim}s are kept apart, in {@link #takeClaim()}. It can close the connection without a
 * reply to the results of chosen commits, as the chapter's dispatcher does for a commit it did
 * not dispatch, hold a reply back, and stop and start again on the same port, as a restarted
 * dispatcher does. Never pings. Thread-safe.
 */
public final class FakeDispatcher implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<Claim> claims = new LinkedBlockingQueue<>();
  private final Map<Class<?>, Reply> replies = new ConcurrentHashMap<>(Map.of(Claim.class,
      Reply.OK));
  /** Replies for the next dispatches, in order, before {@link #replies}. */
  private final Queue<Reply> scriptedDispatchReplies = new ConcurrentLinkedQueue<>();
  private final Set<CommitId> closingOn = ConcurrentHashMap.newKeySet();
  private final ServerOptions options;
  private final int port;
  private volatile Reply reply = Reply.OK;
  private volatile Consumer<Request> spy = request -> { };
  private volatile LineServer server;

  /** A started dispatcher on {@code port} (0: a free one) reading requests with {@code options}. */
  private FakeDispatcher(int port, ServerOptions options) {
    this.options = options;
    server = listen(port);
    this.port = server.localAddress().getPort();
  }

  /** A started dispatcher on a free port. */
  public static FakeDispatcher start() {
    return start(0, ServerOptions.DEFAULT);
  }

  /** A started dispatcher on {@code port}. */
  public static FakeDispatcher start(int port) {
    return start(port, ServerOptions.DEFAULT);
  }

  /** A started dispatcher on a free port that reads requests with {@code options}. */
  public static FakeDispatcher start(ServerOptions options) {
    return start(0, options);
  }

  /** A started dispatcher on {@code port} that reads requests with {@code options}. */
  public static FakeDispatcher start(int port, ServerOptions options) {
    return new FakeDispatcher(port, options);
  }

  /** A loopback port that nothing listens on (free when this returns). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code port} on the loopback interface. */
  public static HostAndPort loopback(int port) {
    return new HostAndPort(InetAddress.getLoopbackAddress().getHostAddress(), port);
  }

  private LineServer listen(int onPort) {
    LineServer listening = new LineServer("fake-dispatcher",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), this::handle,
        options, Ticker.SYSTEM);
    try {
      listening.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return listening;
  }

  private Reply handle(Request request) {
    spy.accept(request);
    // read first: a test may change the replies once it sees the request
    Reply answer = replyTo(request);
    if (request instanceof Claim claim) {
      claims.add(claim);
      return answer;
    }
    boolean close = request instanceof Results results && closingOn.contains(results.commit());
    requests.add(request);
    if (close) {
      throw new ClosesWithoutReply(((Results) request).commit());
    }
    return answer;
  }

  private Reply replyTo(Request request) {
    Reply scripted = request instanceof Dispatch ? scriptedDispatchReplies.poll() : null;
    return scripted != null ? scripted : replies.getOrDefault(request.getClass(), reply);
  }

  public HostAndPort address() {
    return loopback(port);
  }

  /** Answers every later request with {@code reply}, but claims and types given their own. */
  public void replyWith(Reply reply) {
    this.reply = reply;
  }

  /** Answers every later request of {@code type} with {@code reply} (claims: OK until then). */
  public void replyTo(Class<? extends Request> type, Reply reply) {
    replies.put(type, reply);
  }

  /** Answers the next dispatches with {@code replies}, in order, then as before. */
  public void scriptDispatchReplies(Reply... replies) {
    scriptedDispatchReplies.addAll(Arrays.asList(replies));
  }

  /**
   * Runs {@code action} on each request as it arrives, on its connection thread, before it is
   * recorded and answered; an action that blocks holds the reply back.
   */
  public void whenRequested(Consumer<Request> action) {
    spy = action;
  }

  /**
   * Holds back the answer to the dispatch of {@code commit} until {@code release} opens (at most
   * 10 s); the returned latch opens when that dispatch arrives.
   */
  public CountDownLatch holdDispatchOf(String commit, CountDownLatch release) {
    CountDownLatch arrived = new CountDownLatch(1);
    Dispatch held = new Dispatch(new CommitId(commit));
    whenRequested(request -> {
      if (request.equals(held)) {
        arrived.countDown();
        try {
          release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    return arrived;
  }

  /**
   * Closes the connection without a reply to every later {@code results} for {@code commit}
   * (after reading it), until {@link #acceptResultsOf}.
   */
  public void closeWithoutReplyToResultsOf(CommitId commit) {
    closingOn.add(commit);
  }

  /** Answers the {@code results} of {@code commit} again, as every other request. */
  public void acceptResultsOf(CommitId commit) {
    closingOn.remove(commit);
  }

  /** Stops listening: connections are refused until {@link #restart()}. Idempotent. */
  public void stop() {
    server.close();
  }

  /** Listens again on the same port, after {@link #stop()}. */
  public void restart() {
    server = listen(port);
  }

  /** The next {@code claim} received, waiting at most 10 seconds for it. */
  public Claim takeClaim() throws InterruptedException {
    Claim claim = claims.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (claim == null) {
      throw new AssertionError("no claim to the dispatcher within " + WAIT);
    }
    return claim;
  }

  /** The next request received, waiting at most 10 seconds for it. */
  public Request takeRequest() throws InterruptedException {
    Request request = requests.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (request == null) {
      throw new AssertionError("no request to the dispatcher within " + WAIT);
    }
    return request;
  }

  /** The next request that is not a {@code skipped}, dropping those, waiting up to 10 s. */
  public Request takeRequestSkipping(Class<? extends Request> skipped)
      throws InterruptedException {
    Request request;
    do {
      request = takeRequest();
    } while (skipped.isInstance(request));
    return request;
  }

  /** The next request if one arrives within {@code timeout}, else null. */
  public Request pollRequest(Duration timeout) throws InterruptedException {
    return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Removes and returns every request received so far, oldest first. */
  public List<Request> drainRequests() {
    List<Request> drained = new ArrayList<>();
    requests.drainTo(drained);
    return drained;
  }

  /** Forgets the requests received so far, e.g. repeated status checks. */
  public void discardRequests() {
    requests.clear();
  }

  /** Fails if a request arrived that no test took. */
  public void assertNoMoreRequests() {
    if (!requests.isEmpty()) {
      throw new AssertionError("requests nobody expected: " + requests);
    }
  }

  /** Stops listening; later connections are refused. Idempotent. */
  @Override
  public void close() {
    server.close();
  }

  /** Makes the server close the connection without a reply; no stack trace, it is expected. */
  private static final class ClosesWithoutReply extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClosesWithoutReply(CommitId commit) {
      super("fake dispatcher closes without a reply to results for " + commit, null, false,
          false);
    }
  }
}
