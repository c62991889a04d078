package dev.surveil.dispatcher;

import dev.surveil.lifecycle.Closer;
import dev.surveil.net.LineClient;
import dev.surveil.net.LineServer;
import dev.surveil.net.NamedThreadFactory;
import dev.surveil.protocol.CommitId;
import dev.surveil.storage.FileProblem;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.storage.FolderLock;
import dev.surveil.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher: its server, its redistributor and heartbeat threads, its runner pool and its
 * results folder (locked while it runs), wired together. Lifecycle: construct (binds and opens),
 * {@link #start()}, {@link #close()} (idempotent); {@link #awaitClosed()} blocks until then.
 * Thread-safe.
 */
public final class DispatcherService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DispatcherService.class);

  /** The lock file in the results folder; a dot keeps it out of {@code ls}. */
  static final String LOCK_FILE = ".surveil-lock";

  private final DispatcherSettings config;
  private final FolderLock folderLock;
  private final JournalFile journal;
  private final RunnerPool pool;
  private final ExecutorService pingExecutor;
  private final ResultStore results;
  private final StorageHealth storage;
  private final StorageProbe probe;
  private final LineServer server;
  private final Redistributor redistributor;
  private final HeartbeatMonitor heartbeat;
  private final Duration pingTimeout;
  private final Closer parts = new Closer();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);

  /**
   * Binds the port, then locks the results folder, and only then removes what a crash left in it
   * and rebuilds the queue from its journal; nothing is accepted until {@link #start()}. So a
   * second dispatcher on the same port, or on the same folder, fails without touching the files
   * of the one running.
   *
   * @throws java.net.BindException if the address is in use or not this machine's
   * @throws FolderInUseException if another dispatcher has the results folder
   * @throws IOException if the results folder cannot be created, locked, read or its journal
   *     rewritten; the message names the operation, the file and the system's reason
   */
  public DispatcherService(DispatcherSettings config) throws IOException {
    this(config, Ticker.SYSTEM);
  }

  /**
   * As {@link #DispatcherService(DispatcherSettings)}, measuring every interval and deadline (slow
   * connections, result timeouts, storage health) with {@code ticker}.
   */
  public DispatcherService(DispatcherSettings config, Ticker ticker) throws IOException {
    this(config, ticker, Opened.open(config, ticker));
  }

  private DispatcherService(DispatcherSettings config, Ticker ticker, Opened opened) {
    this.config = config;
    this.folderLock = opened.lock();
    this.results = opened.results();
    this.storage = opened.storage();
    this.probe = new StorageProbe(results, storage, StorageProbe.INTERVAL);
    this.journal = opened.journal();
    this.pool = opened.pool();
    LineClient client = new LineClient(config.heartbeatTimeout(), config.heartbeatTimeout(),
        config.signer());
    RunnerClient runners = client::send;
    // One short-lived thread per outstanding ping: pings must not queue behind a frozen runner.
    this.pingExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
        new SynchronousQueue<>(), new NamedThreadFactory("dispatcher-ping", true));
    this.server = new LineServer("dispatcher", opened.socket(),
        new DispatchHandler(pool, results, config.acceptUnassignedResults()),
        config.serverOptions(), ticker);
    this.redistributor = new Redistributor(pool, runners, storage);
    this.heartbeat = new HeartbeatMonitor(pool, runners, pingExecutor,
        config.heartbeatInterval(),
        new ResultWatch(pool, runners, ticker, config.resultTimeout()));
    // a ping ends within its connect and read timeouts
    this.pingTimeout = config.heartbeatTimeout().multipliedBy(2).plusSeconds(1);
    // closed in the reverse order: the server first, the folder's lock last
    parts.register(folderLock);
    parts.register(this::closeJournal);
    parts.register(this::closePings);
    parts.register(probe);
    parts.register(heartbeat);
    parts.register(redistributor);
    parts.register(server);
  }

  /** What the constructor opens, in this order; a failed step closes what came before it. */
  private record Opened(ServerSocket socket, FolderLock lock, StorageHealth storage,
      ResultStore results, JournalFile journal, RunnerPool pool) {
    static Opened open(DispatcherSettings config, Ticker ticker) throws IOException {
      Closer opened = new Closer();
      ServerSocket socket = opened.register(LineServer.bind(config.bindAddress()));
      try {
        Path dir = config.resultsDir();
        try {
          Files.createDirectories(dir);
        } catch (IOException e) {
          throw FileProblem.failure("create folder", dir, e);
        }
        FolderLock lock = opened.register(
            FolderLock.acquire(dir, dir.resolve(LOCK_FILE), "dispatcher"));
        StorageHealth storage = new StorageHealth(dir.toAbsolutePath().normalize(), ticker);
        ResultStore results = new ResultStore(dir, storage);
        JournalFile journal = opened.register(JournalFile.open(results.dir(), storage));
        return new Opened(socket, lock, storage, results, journal, recover(journal, results));
      } catch (IOException | RuntimeException e) {
        opened.closeAfter(e);
        if (e instanceof UncheckedIOException journalFailed) {
          throw journalFailed.getCause(); // say why, as for the other steps
        }
        throw e;
      }
    }
  }

  private static RunnerPool recover(JournalFile journal, ResultStore results) {
    RunnerPool pool = RunnerPool.recover(journal.recovered(), journal);
    List<CommitId> open = new ArrayList<>(pool.pending());
    open.addAll(pool.assignments().keySet());
    for (CommitId commit : open) {
      if (results.has(commit)) {
        pool.complete(commit); // its result was stored just before the crash
      }
    }
    pool.compactJournal();
    if (!journal.recovered().isEmpty()) {
      log.info("recovered from journal {}: {} runner(s), {} commit(s) queued, {} being tested",
          journal.file(), pool.runners().size(), pool.pending().size(),
          pool.assignments().size());
    }
    return pool;
  }

  /** Starts accepting on the bound port, redistributing and heartbeating. */
  public void start() throws IOException {
    storage.start();
    probe.start();
    server.start();
    redistributor.start();
    heartbeat.start();
    log.info("dispatcher listening on {}:{}; results go to {}",
        server.localAddress().getHostString(), server.localAddress().getPort(), results.dir());
  }

  /** The address actually bound. */
  public InetSocketAddress localAddress() {
    return server.localAddress();
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /**
   * Stops serving, redistributing and heartbeating, waits for the pings in flight, then closes
   * the journal and unlocks the results folder. Idempotent. Every part is closed even if an
   * earlier one fails (or does not stop in time); the first failure is then thrown.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    try {
      parts.close();
    } catch (RuntimeException e) {
      failure = new IllegalStateException("dispatcher did not close cleanly: " + e, e);
    }
    log.info("dispatcher stopped; {} commit(s) were still queued or being tested",
        pool.pending().size() + pool.assignments().size());
    closed.countDown();
    if (failure != null) {
      throw failure;
    }
  }

  private void closePings() {
    pingExecutor.shutdownNow();
    Closer.awaitTermination("dispatcher-ping", pingExecutor, pingTimeout);
  }

  private void closeJournal() {
    try {
      journal.sync();
      journal.close();
    } catch (IOException | RuntimeException e) {
      log.warn("cannot close journal {}: {}", journal.file(), e.toString());
    }
  }

  RunnerPool pool() {
    return pool;
  }
}
