package dev.surveil.testing;

import dev.surveil.net.NamedThreadFactory;
import dev.surveil.protocol.HostAndPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One start of a {@link ChapterDispatcher}, the life of one {@code dispatcher.py} process: its
 * server, its state (runners, dispatched and pending commits), its {@code runner_checker} thread
 * and its {@code redistribute} thread. See {@link ChapterDispatcher} for what it answers.
 * Thread-safe: the state is guarded by one lock.
 */
final class ChapterDispatcherRun implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChapterDispatcherRun.class);
  /** {@code dispatch_tests}' {@code time.sleep(2)} when no runner took the commit. */
  private static final Duration DISPATCH_RETRY = Duration.ofSeconds(2);
  /** {@code runner_checker}'s {@code time.sleep(1)} between rounds of pings. */
  private static final Duration PING_INTERVAL = Duration.ofSeconds(1);
  private static final Duration RUNNER_TIMEOUT = Duration.ofSeconds(5);

  private final ReentrantLock lock = new ReentrantLock();
  /** A runner registered or reported, or this start ended: worth offering again. */
  private final Condition changed = lock.newCondition();
  /** A {@code runtest} got its answer. */
  private final Condition offered = lock.newCondition();
  private final List<HostAndPort> runners = new ArrayList<>(); // guarded by lock
  private final Map<String, HostAndPort> dispatched = new LinkedHashMap<>(); // guarded by lock
  private final List<String> pending = new ArrayList<>(); // guarded by lock
  private final List<String> offering = new ArrayList<>(); // runtest in flight; guarded by lock
  private final CountDownLatch dead = new CountDownLatch(1);
  private final BiConsumer<String, String> store;
  private final ExecutorService redistributor;
  private final Thread runnerChecker;
  private ChapterServer server;

  private ChapterDispatcherRun(String name, BiConsumer<String, String> store) {
    this.store = store;
    this.redistributor = Executors.newSingleThreadExecutor(
        new NamedThreadFactory(name + "-redistribute", true));
    this.runnerChecker = new Thread(this::checkRunners, name + "-runner-checker");
    this.runnerChecker.setDaemon(true);
  }

  /** Listens on {@code address}; accepted reports go to {@code store} (commit, report). */
  static ChapterDispatcherRun start(String name, InetSocketAddress address,
      BiConsumer<String, String> store) throws IOException {
    ChapterDispatcherRun run = new ChapterDispatcherRun(name, store);
    run.server = ChapterServer.start(name, address, run::handle);
    run.runnerChecker.start();
    return run;
  }

  ChapterServer server() {
    return server;
  }

  List<HostAndPort> runners() {
    return locked(() -> List.copyOf(runners));
  }

  Map<String, HostAndPort> dispatched() {
    return locked(() -> Map.copyOf(dispatched));
  }

  private void handle(ChapterExchange exchange) throws IOException, InterruptedException {
    Optional<ChapterRequest> parsed = ChapterRequest.parse(exchange.text());
    if (parsed.isEmpty()) {
      exchange.reply("Invalid command");
      return; // the chapter then raises AttributeError: the connection closes all the same
    }
    ChapterRequest request = parsed.get();
    switch (request.command()) {
      case "status" -> exchange.reply("OK");
      case "register" -> register(request, exchange);
      case "dispatch" -> dispatch(request, exchange);
      case "results" -> results(request, exchange);
      default -> exchange.reply("Invalid command");
    }
  }

  private void register(ChapterRequest request, ChapterExchange exchange) throws IOException {
    List<String> fields = request.wordFields(); // host, port = re.findall(...): a ValueError
    if (request.argument().isEmpty() || fields.size() != 2) { // unless there are exactly two
      throw new IllegalArgumentException("ValueError: cannot unpack " + fields);
    }
    HostAndPort runner = new HostAndPort(fields.get(0), Integer.parseInt(fields.get(1)));
    locked(() -> {
      runners.add(runner);
      changed.signalAll();
      return null;
    });
    exchange.reply("OK");
  }

  private void dispatch(ChapterRequest request, ChapterExchange exchange)
      throws IOException, InterruptedException {
    String commit = request.argument().orElseThrow(
        () -> new IllegalArgumentException("TypeError: 'NoneType' object has no attribute"));
    if (runners().isEmpty()) {
      exchange.reply("No runners are registered");
      return;
    }
    exchange.reply("OK");
    dispatchTests(commit); // on the handler's thread: the observer's connection stays open
  }

  /** {@code dispatch_tests}: offers {@code commit} to each runner until one takes it. */
  private void dispatchTests(String commit) throws InterruptedException {
    while (dead.getCount() > 0) {
      for (HostAndPort runner : runners()) {
        if (offer(commit, runner)) {
          log.info("chapter dispatcher: commit {} went to runner {}", commit, runner);
          return;
        }
      }
      lock.lockInterruptibly();
      try {
        if (dead.getCount() > 0) {
          changed.await(DISPATCH_RETRY.toNanos(), TimeUnit.NANOSECONDS);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Sends {@code runtest}; true, with the commit recorded as dispatched, if the runner took it.
   * Results for the commit wait until then: a runner that tests in no time could otherwise
   * report before the record exists, and be refused, where the chapter's runner is still
   * pulling the commit.
   */
  private boolean offer(String commit, HostAndPort runner) {
    locked(() -> offering.add(commit));
    boolean taken = false;
    try {
      String response = ChapterClient.communicate(runner, "runtest:" + commit, RUNNER_TIMEOUT);
      taken = response.equals("OK");
    } catch (IOException e) {
      log.debug("runner={} runtest:{} failed: {}", runner, commit, e.toString());
    } finally {
      boolean took = taken;
      locked(() -> {
        if (took) {
          dispatched.put(commit, runner);
          pending.remove(commit);
        }
        offering.remove(commit);
        offered.signalAll();
        return null;
      });
    }
    return taken;
  }

  private void results(ChapterRequest request, ChapterExchange exchange)
      throws IOException, InterruptedException {
    String[] fields = request.argument().orElse("").split(":", -1);
    String commit = fields[0];
    int length = Integer.parseInt(fields[1]); // IndexError or ValueError: closed, no reply
    int header = "results".length() + commit.length() + fields[1].length() + 3;
    if (header + length > exchange.rawLength()) {
      exchange.readMore(header + length - exchange.rawLength());
    }
    lock.lockInterruptibly();
    try {
      long left = RUNNER_TIMEOUT.toNanos();
      while (offering.contains(commit) && left > 0) {
        left = offered.awaitNanos(left);
      }
      if (dispatched.remove(commit) == null) {
        throw new ChapterDispatcher.KeyError(commit);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    String text = exchange.text();
    int third = text.indexOf(':', text.indexOf(':', text.indexOf(':') + 1) + 1);
    store.accept(commit, text.substring(third + 1));
    log.info("chapter dispatcher: stored the report for commit {}", commit);
    exchange.reply("OK");
  }

  /** {@code runner_checker}: pings each runner every second; drops one that does not pong. */
  private void checkRunners() {
    try {
      while (!dead.await(PING_INTERVAL.toNanos(), TimeUnit.NANOSECONDS)) {
        for (HostAndPort runner : runners()) {
          String response;
          try {
            response = ChapterClient.communicate(runner, "ping", RUNNER_TIMEOUT);
          } catch (IOException e) {
            response = e.toString();
          }
          if (!response.equals("pong") && dead.getCount() > 0) {
            dropRunner(runner, response);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code manage_commit_lists}: its commit goes back to pending and to another runner. */
  private void dropRunner(HostAndPort runner, String response) {
    log.info("chapter dispatcher: removing runner {} (it answered '{}')", runner, response);
    locked(() -> {
      for (Map.Entry<String, HostAndPort> entry : dispatched.entrySet()) {
        if (entry.getValue().equals(runner)) {
          String commit = entry.getKey();
          dispatched.remove(commit);
          pending.add(commit);
          try {
            redistributor.execute(() -> redistribute(commit));
          } catch (RejectedExecutionException e) {
            log.debug("commit={} not redistributed: the dispatcher stops", commit);
          }
          break;
        }
      }
      runners.remove(runner);
      return null;
    });
  }

  private void redistribute(String commit) {
    try {
      dispatchTests(commit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /** Ends this start: closes the server, wakes and stops every thread. */
  @Override
  public void close() {
    dead.countDown();
    locked(() -> {
      changed.signalAll();
      offered.signalAll();
      return null;
    });
    redistributor.shutdownNow();
    runnerChecker.interrupt();
    try {
      server.close();
      runnerChecker.join(RUNNER_TIMEOUT.plusSeconds(5).toMillis());
      if (!redistributor.awaitTermination(RUNNER_TIMEOUT.plusSeconds(5).toSeconds(),
          TimeUnit.SECONDS)) {
        throw new IllegalStateException("chapter dispatcher's redistribute thread still runs");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
