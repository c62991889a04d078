package dev.surveil.observer;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the dispatcher about new commits. One batch is:
 * <ol>
 *   <li>{@code status}, which must be answered {@code OK};
 *   <li>{@code dispatch:<commit>} for each commit, oldest first (only the newest one when
 *       latest-only), each of which must be answered {@code OK}.
 * </ol>
 * The first step that fails (unreachable dispatcher, {@code No runners are registered}, any other
 * reply) logs one WARN line and ends the batch; the caller offers the commits not yet dispatched
 * again at its next poll, so none is skipped (the chapter's observer throws instead).
 * Thread-safe (holds no connection between calls).
 */
public final class CommitNotifier {
  private static final Logger log = LoggerFactory.getLogger(CommitNotifier.class);
  /** Connect timeout: the dispatcher is on a nearby machine, or down. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Read timeout: the dispatcher answers at once; it never waits on a runner to reply. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final LineClient client;
  private final HostAndPort dispatcher;
  private final boolean latestOnly;

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
    return new CommitNotifier(new LineClient(CONNECT_TIMEOUT, READ_TIMEOUT), dispatcher,
        latestOnly);
  }

  /** The dispatcher's address. */
  public HostAndPort dispatcher() {
    return dispatcher;
  }

  /**
   * Dispatches {@code commits} (oldest first) and returns the newest commit that now counts as
   * dispatched, or empty if none does. With latest-only, when the newest commit is dispatched,
   * it counts for the whole batch: the older ones are skipped on purpose.
   */
  public Optional<CommitId> dispatch(List<CommitId> commits) {
    if (commits.isEmpty()) {
      return Optional.empty();
    }
    List<CommitId> toSend = latestOnly ? commits.subList(commits.size() - 1, commits.size())
        : commits;
    CommitId dispatched = null;
    try {
      Reply status = client.send(dispatcher, new Status());
      if (status != Reply.OK) {
        log.warn("dispatcher {} answered status with '{}'; will retry at the next poll",
            dispatcher, status.text());
        return Optional.empty();
      }
      for (CommitId commit : toSend) {
        Reply reply = client.send(dispatcher, new Dispatch(commit));
        if (reply != Reply.OK) {
          warnRefused(commit, reply);
          break;
        }
        log.info("dispatched commit {}", commit);
        dispatched = commit;
      }
    } catch (ProtocolException e) {
      log.warn("dispatcher {} sent a bad reply ({}); will retry at the next poll", dispatcher,
          e.getMessage());
    } catch (IOException e) {
      log.warn("dispatcher {} is unreachable ({}); will retry at the next poll", dispatcher,
          describe(e));
    }
    return Optional.ofNullable(dispatched);
  }

  private void warnRefused(CommitId commit, Reply reply) {
    if (reply == Reply.NO_RUNNERS) {
      log.warn("dispatcher {} has no runners registered; commit {} will be dispatched at the"
          + " next poll", dispatcher, commit);
    } else {
      log.warn("dispatcher {} answered dispatch of commit {} with '{}'; will retry at the next"
          + " poll", dispatcher, commit, reply.text());
    }
  }

  private static String describe(IOException e) {
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
