package dev.surveil.testing;

import dev.surveil.protocol.HostAndPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the chapter's {@code test_runner.py}, on a {@link ChapterServer} on
 * {@code localhost}. It registers with {@code register:localhost:<port>} when it starts (and
 * fails to start unless the dispatcher answers {@code OK}); its {@code TestHandler} answers
 * {@code ping} with {@code pong}, and {@code runtest:<commit>} with {@code BUSY} while it tests,
 * else with {@code OK}, and then tests the commit <em>on the handler's thread</em>, so that the
 * {@code runtest} connection stays open until the test is done. A test is done when the test
 * says so ({@link #finish}, {@link #finishEveryTest}; at most 2 minutes); the runner then sends
 * {@code results:<commit>:<length>:<report>} with the chapter's client, the report naming the
 * runner ({@link #reportFor}). A closed runner sends nothing more, as a killed process.
 *
 * <p>Unlike the chapter's runner it does not stop when the dispatcher goes away. Thread-safe.
 */
public final class ChapterRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChapterRunner.class);
  private static final Duration MAX_TEST = Duration.ofMinutes(2);

  /** A commit it tested, and the dispatcher's reply to its results ({@code ""}: none). */
  public record Tested(String commit, String reply) {}

  private final String name;
  private final HostAndPort dispatcher;
  private final BlockingQueue<String> started = new LinkedBlockingQueue<>();
  private final List<Tested> tested = new CopyOnWriteArrayList<>();
  private final Map<String, CountDownLatch> running = new ConcurrentHashMap<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean finishAtOnce;
  private boolean busy; // guarded by this
  private ChapterServer server;

  private ChapterRunner(String name, HostAndPort dispatcher) {
    this.name = name;
    this.dispatcher = dispatcher;
  }

  /**
   * Listens on a free port of {@code localhost} and registers with {@code dispatcher}.
   *
   * @throws IllegalStateException if the dispatcher does not answer {@code OK}
   */
  public static ChapterRunner start(String name, HostAndPort dispatcher) {
    ChapterRunner runner = new ChapterRunner(name, dispatcher);
    try {
      runner.server = ChapterServer.start("chapter-runner-" + name,
          new InetSocketAddress(InetAddress.getByName("localhost"), 0), runner::handle);
      String reply = ChapterClient.communicate(dispatcher, "register:" + runner.address());
      if (!reply.equals("OK")) {
        throw new IllegalStateException("Can't register with dispatcher! It answered '"
            + reply + "'");
      }
    } catch (IOException | RuntimeException e) {
      runner.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    log.info("chapter runner {} at {} registered with {}", name, runner.address(), dispatcher);
    return runner;
  }

  /** Its name, which its reports carry. */
  public String name() {
    return name;
  }

  /** Where it listens, as it registered: {@code localhost:<port>}. */
  public HostAndPort address() {
    return new HostAndPort("localhost", server.localAddress().getPort());
  }

  /** The report it sends for {@code commit}. */
  public String reportFor(String commit) {
    return "commit " + commit + " tested by chapter runner " + name + "\nOK";
  }

  /**
   * Holds each connection open until {@code duration} after its reply, for the requests with one
   * of {@code commands} ({@code ping}, {@code runtest}), or every request when none is given.
   */
  public void holdRepliesOpen(Duration duration, String... commands) {
    server.holdRepliesOpen(duration, Set.of(commands));
  }

  /** The next commit it started testing, waiting at most {@code timeout}; null if none. */
  public String pollStarted(Duration timeout) throws InterruptedException {
    return started.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Lets the test of {@code commit} finish: its results are sent and its {@code runtest}
   * connection closed.
   *
   * @throws IllegalStateException if it is not testing {@code commit}
   */
  public void finish(String commit) {
    CountDownLatch test = running.get(commit);
    if (test == null) {
      throw new IllegalStateException(name + " is not testing " + commit + "; it tests "
          + running.keySet());
    }
    test.countDown();
  }

  /** Lets the test running now, and every later one, finish at once. */
  public void finishEveryTest() {
    finishAtOnce = true;
    running.values().forEach(CountDownLatch::countDown);
  }

  /** What it tested so far, in the order the results were sent. */
  public List<Tested> tested() {
    return List.copyOf(tested);
  }

  /** Whether it is testing a commit now. */
  public synchronized boolean isBusy() {
    return busy;
  }

  /** Every connection it has served, oldest first. */
  public List<ChapterExchange> exchanges() {
    return server.exchanges();
  }

  private void handle(ChapterExchange exchange) throws IOException, InterruptedException {
    Optional<ChapterRequest> request = ChapterRequest.parse(exchange.text());
    String command = request.map(ChapterRequest::command).orElse("");
    if (command.equals("ping")) {
      exchange.reply("pong");
    } else if (command.equals("runtest") && request.get().argument().isPresent()) {
      runTest(request.get().argument().get(), exchange);
    } else {
      exchange.reply("Invalid command");
    }
  }

  private void runTest(String commit, ChapterExchange exchange)
      throws IOException, InterruptedException {
    synchronized (this) {
      if (busy) {
        exchange.reply("BUSY");
        return;
      }
      busy = true;
    }
    try {
      exchange.reply("OK");
      test(commit);
    } finally {
      synchronized (this) {
        busy = false;
      }
    }
  }

  private void test(String commit) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    running.put(commit, done);
    started.add(commit);
    if (finishAtOnce || closing.getCount() == 0) {
      done.countDown();
    }
    try {
      if (!done.await(MAX_TEST.toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn("chapter runner {}: nobody finished the test of {} in {}", name, commit, MAX_TEST);
      }
    } finally {
      running.remove(commit);
    }
    if (closing.getCount() == 0) {
      return; // killed mid-test: no results
    }
    String report = reportFor(commit);
    String request = "results:" + commit + ":"
        + report.getBytes(StandardCharsets.UTF_8).length + ":" + report;
    String reply;
    try {
      reply = ChapterClient.communicate(dispatcher, request);
    } catch (IOException e) {
      log.info("chapter runner {}: results for {} failed: {}", name, commit, e.toString());
      reply = "";
    }
    tested.add(new Tested(commit, reply));
  }

  /** Stops, as {@code kill -9} would: a test running now sends no results. Idempotent. */
  @Override
  public void close() {
    closing.countDown();
    running.values().forEach(CountDownLatch::countDown);
    if (server != null) {
      server.close();
    }
  }
}
