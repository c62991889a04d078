package dev.surveil.testing;

import dev.surveil.protocol.HostAndPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the chapter's {@code dispatcher.py}, on a {@link ChapterServer} on loopback. Its
 * {@code DispatcherHandler}:
 * <ul>
 *   <li>{@code status}: {@code OK}; {@code register:<host>:<port>}: the fields as
 *       {@code re.findall(r":(\w*)")} finds them (so {@code 127.0.0.1} becomes host {@code 127})
 *       join the list of runners, duplicates too, then {@code OK};
 *   <li>{@code dispatch:<commit>}: {@code No runners are registered}, or {@code OK} and then,
 *       with the connection still open, {@code dispatch_tests}: {@code runtest:<commit>} to each
 *       runner in turn until one answers {@code OK}, every 2 s (sooner when a runner registers or
 *       reports) for as long as it takes;
 *   <li>{@code results:<commit>:<length>:<report>}: reads the rest of the report, then
 *       {@code del dispatched_commits[commit]}: for a commit it did not dispatch (since its last
 *       start) that is a {@code KeyError}, and the connection is closed without a reply; else the
 *       report is kept and the reply is {@code OK};
 *   <li>anything else: {@code Invalid command}.
 * </ul>
 * Its {@code runner_checker} pings every runner each second and drops one that does not answer
 * {@code pong}, its commit going to another runner. Where the chapter's code would raise on a
 * runner it cannot reach, this one tries the next; results that overtake the runner's {@code OK}
 * to their {@code runtest} wait for it rather than meet a {@code KeyError}. Unlike the chapter it
 * stores the report as sent (the chapter turns its {@code :}s into newlines).
 *
 * <p>It records every connection ({@link #exchanges()}); {@link #holdRepliesOpen} holds replies
 * open; {@link #restart()} starts it again on the same port with its runners and dispatched
 * commits forgotten, as a restarted Python process; the stored reports are kept, as files are.
 * Thread-safe.
 */
public final class ChapterDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChapterDispatcher.class);
  private static final String NAME = "chapter-dispatcher";

  private final Map<String, String> reports = new ConcurrentHashMap<>();
  private final List<ChapterServer> pastServers = new ArrayList<>(); // guarded by this
  private int port; // guarded by this
  private Duration hold = Duration.ZERO; // guarded by this
  private Set<String> holdCommands = Set.of(); // guarded by this
  private ChapterDispatcherRun run; // the current start; guarded by this
  private boolean closed; // guarded by this

  private ChapterDispatcher() {}

  /** A dispatcher listening on a free loopback port. */
  public static ChapterDispatcher start() {
    ChapterDispatcher dispatcher = new ChapterDispatcher();
    dispatcher.restart();
    return dispatcher;
  }

  /** Where it listens: {@code 127.0.0.1:<port>}. */
  public synchronized HostAndPort address() {
    return new HostAndPort(InetAddress.getLoopbackAddress().getHostAddress(), port);
  }

  /**
   * Holds each connection open until {@code duration} after its reply, for the requests with one
   * of {@code commands}, or every request when none is given; also after a restart.
   */
  public synchronized void holdRepliesOpen(Duration duration, String... commands) {
    hold = duration;
    holdCommands = Set.of(commands);
    if (run != null) {
      run.server().holdRepliesOpen(hold, holdCommands);
    }
  }

  /**
   * Stops (if it runs) and starts again on the same port, knowing no runner and no dispatched
   * commit, as a restarted {@code dispatcher.py}.
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("chapter dispatcher closed");
    }
    stop();
    try {
      run = ChapterDispatcherRun.start(NAME, new InetSocketAddress(
          InetAddress.getLoopbackAddress(), port), reports::put);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port, e);
    }
    port = run.server().localAddress().getPort();
    run.server().holdRepliesOpen(hold, holdCommands);
    log.info("chapter dispatcher listening on {}", address());
  }

  /** Stops listening and closes every connection; {@link #restart()} starts it again. */
  public synchronized void stop() {
    if (run != null) {
      run.close();
      pastServers.add(run.server());
      run = null;
    }
  }

  /** Every connection it has served, across restarts, oldest first. */
  public synchronized List<ChapterExchange> exchanges() {
    List<ChapterExchange> all = new ArrayList<>();
    pastServers.forEach(server -> all.addAll(server.exchanges()));
    if (run != null) {
      all.addAll(run.server().exchanges());
    }
    return all;
  }

  /** The text of every request it got, across restarts, oldest first. */
  public List<String> requests() {
    return exchanges().stream().map(ChapterExchange::text).toList();
  }

  /**
   * How many {@code command} requests it got for {@code commit}: those whose argument is the
   * commit or starts with the commit and a {@code :}.
   */
  public long count(String command, String commit) {
    return exchanges().stream().map(exchange -> ChapterRequest.parse(exchange.text()))
        .flatMap(Optional::stream)
        .filter(request -> request.command().equals(command))
        .filter(request -> request.argument().map(a -> a.equals(commit)
            || a.startsWith(commit + ":")).orElse(false))
        .count();
  }

  /** Whether every connection that carried a {@code command} request is closed by now. */
  public boolean allClosed(String command) {
    return exchanges().stream().filter(exchange -> exchange.command().equals(command))
        .allMatch(ChapterExchange::isClosed);
  }

  /** The report stored for {@code commit}, if one was accepted. */
  public Optional<String> report(String commit) {
    return Optional.ofNullable(reports.get(commit));
  }

  /** The runners registered since the last start, in order, duplicates included. */
  public synchronized List<HostAndPort> runners() {
    return run == null ? List.of() : run.runners();
  }

  /** Which runner tests which commit, since the last start. */
  public synchronized Map<String, HostAndPort> dispatched() {
    return run == null ? Map.of() : run.dispatched();
  }

  /** Stops for good. Idempotent. */
  @Override
  public synchronized void close() {
    stop();
    closed = true;
  }

  /** Raised as the chapter's handler raises {@code KeyError}: the connection closes, no reply. */
  static final class KeyError extends NoSuchElementException {
    KeyError(String key) {
      super("KeyError: '" + key + "'");
    }
  }
}
