package dev.surveil.observer;

import dev.surveil.auth.RequestSigner;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the dispatcher about new commits. One batch is:
 * <ol>
 *   <li>{@code status}, which must be answered {@code OK};
 *   <li>{@code dispatch:<commit>} for each commit, oldest first (only the newest one when
 *       latest-only), each of which must be answered {@code OK} before the next is sent.
 * </ol>
 * The first step that fails ends the batch; the caller offers the commits not yet dispatched
 * again later, so none is skipped (the chapter's observer throws instead). An unreachable
 * dispatcher, or one with no runners, is an <em>outage</em>: its first failure logs one WARN
 * line, the retries that fail the same way log at DEBUG, and the first acknowledged dispatch
 * after it logs one INFO line. Any other refusal logs one WARN line each time. Thread-safe: one
 * batch at a time.
 */
public final class CommitNotifier {
  private static final Logger log = LoggerFactory.getLogger(CommitNotifier.class);
  /** Connect timeout: the dispatcher is on a nearby machine, or down. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Read timeout: the dispatcher answers at once; it never waits on a runner to reply. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /** What became of a batch. */
  public enum Outcome {
    /** Every commit of the batch was acknowledged. */
    DISPATCHED,
    /** The dispatcher is unreachable or has no runners: worth retrying soon. */
    DISPATCHER_DOWN,
    /** The dispatcher refused or answered nonsense: retry at the next poll. */
    REFUSED,
    /** The caller asked to stop between two dispatches. */
    STOPPED
  }

  private enum Outage { UNREACHABLE, NO_RUNNERS }

  private final LineClient client;
  private final HostAndPort dispatcher;
  private final boolean latestOnly;
  /** The outage going on, or null when the dispatcher's last answer was fine. Guarded by this. */
  private Outage outage;

  /**
   * @param latestOnly dispatch only the newest commit of each batch (the chapter's behaviour)
   */
  public CommitNotifier(LineClient client, HostAndPort dispatcher, boolean latestOnly) {
    this.client = client;
    this.dispatcher = dispatcher;
    this.latestOnly = latestOnly;
  }

  /** A notifier with the standard timeouts ({@link #CONNECT_TIMEOUT}, {@link #READ_TIMEOUT}). */
  public static CommitNotifier create(HostAndPort dispatcher, boolean latestOnly) {
    return create(dispatcher, latestOnly, Optional.empty());
  }

  /** A notifier with the standard timeouts that signs its requests with {@code signer}, if any. */
  public static CommitNotifier create(HostAndPort dispatcher, boolean latestOnly,
      Optional<RequestSigner> signer) {
    return new CommitNotifier(new LineClient(CONNECT_TIMEOUT, READ_TIMEOUT, signer), dispatcher,
        latestOnly);
  }

  /** The dispatcher's address. */
  public HostAndPort dispatcher() {
    return dispatcher;
  }

  /**
   * Dispatches {@code commits} (oldest first). Each commit the dispatcher acknowledges is given
   * to {@code acknowledged} before the next one is sent; with latest-only, only the newest is
   * sent, and it then counts for the whole batch. {@code stop} is checked before each dispatch.
   */
  public synchronized Outcome dispatch(List<CommitId> commits, Consumer<CommitId> acknowledged,
      BooleanSupplier stop) {
    if (commits.isEmpty()) {
      return Outcome.DISPATCHED;
    }
    List<CommitId> toSend = latestOnly ? commits.subList(commits.size() - 1, commits.size())
        : commits;
    try {
      Reply status = client.send(dispatcher, new Status());
      if (status != Reply.OK) {
        log.warn("dispatcher {} answered status with '{}'; will retry at the next poll",
            dispatcher, status.text());
        return Outcome.REFUSED;
      }
      return sendEach(toSend, acknowledged, stop);
    } catch (ProtocolException e) {
      log.warn("dispatcher {} sent a bad reply ({}); will retry at the next poll", dispatcher,
          e.getMessage());
      return Outcome.REFUSED;
    } catch (IOException e) {
      enterOutage(Outage.UNREACHABLE, describe(e));
      return Outcome.DISPATCHER_DOWN;
    }
  }

  private Outcome sendEach(List<CommitId> commits, Consumer<CommitId> acknowledged,
      BooleanSupplier stop) throws IOException {
    for (CommitId commit : commits) {
      if (stop.getAsBoolean()) {
        return Outcome.STOPPED;
      }
      Reply reply = client.send(dispatcher, new Dispatch(commit));
      if (reply == Reply.NO_RUNNERS) {
        enterOutage(Outage.NO_RUNNERS, commit.value());
        return Outcome.DISPATCHER_DOWN;
      }
      if (reply != Reply.OK) {
        log.warn("dispatcher {} answered dispatch of commit {} with '{}'; will retry at the"
            + " next poll", dispatcher, commit, reply.text());
        return Outcome.REFUSED;
      }
      endOutage();
      acknowledged.accept(commit);
      log.info("dispatched commit {}", commit);
    }
    return Outcome.DISPATCHED;
  }

  /** Logs the start of an outage once; a retry that fails the same way logs at DEBUG. */
  private void enterOutage(Outage kind, String detail) {
    boolean started = outage != kind;
    outage = kind;
    if (kind == Outage.UNREACHABLE) {
      if (started) {
        log.warn("dispatcher {} is unreachable ({}); retrying with backoff until it answers",
            dispatcher, detail);
      } else {
        log.debug("dispatcher={} still unreachable: {}", dispatcher, detail);
      }
    } else if (started) {
      log.warn("dispatcher {} has no runners registered; retrying commit {} with backoff until"
          + " one registers", dispatcher, detail);
    } else {
      log.debug("dispatcher={} still has no runners; commit={}", dispatcher, detail);
    }
  }

  private void endOutage() {
    if (outage != null) {
      outage = null;
      log.info("dispatcher {} is accepting commits again", dispatcher);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
