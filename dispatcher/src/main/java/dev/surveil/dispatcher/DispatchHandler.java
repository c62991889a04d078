package dev.surveil.dispatcher;

import dev.surveil.net.HostAndPort;
import dev.surveil.net.MessageHandler;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.Status;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The dispatcher's answers to observers and runners. Replies at once and never waits for a free
 * runner: a dispatched commit is queued, and the {@link Redistributor} hands it out. A request
 * whose change cannot be written (the results folder or the journal fails: the
 * {@link StorageHealth} logs why) gets no reply: the connection is closed, and the sender keeps
 * what it sent and sends it again later. Thread-safe.
 */
final class DispatchHandler implements MessageHandler {
  private static final Logger log = LoggerFactory.getLogger(DispatchHandler.class);

  private final RunnerPool pool;
  private final ResultStore results;

  DispatchHandler(RunnerPool pool, ResultStore results) {
    this.pool = pool;
    this.results = results;
  }

  /** The reply, or {@code null} (close without one) if the change could not be written. */
  @Override
  public Reply handle(Request request) {
    try {
      return answer(request);
    } catch (UncheckedIOException e) {
      log.debug("{} not done, closing without a reply: {}", request.command().token(),
          e.getMessage());
      return null;
    }
  }

  private Reply answer(Request request) {
    if (request instanceof Status) {
      return Reply.OK;
    } else if (request instanceof Dispatch dispatch) {
      return dispatch(dispatch.commit());
    } else if (request instanceof Register register) {
      return register(new HostAndPort(register.host(), register.port()));
    } else if (request instanceof Results result) {
      return store(result);
    }
    log.warn("refused {} request: the dispatcher does not serve it", request.command().token());
    return Reply.INVALID_COMMAND;
  }

  private Reply dispatch(CommitId commit) {
    try (MDC.MDCCloseable ignored = MDC.putCloseable("commit", commit.value())) {
      if (results.has(commit)) {
        log.info("commit {} already has a result; not testing it again", commit);
        return Reply.OK;
      }
      if (!pool.hasRunners()) {
        log.warn("cannot take commit {}: no runners are registered", commit);
        return Reply.NO_RUNNERS;
      }
      RunnerPool.Enqueued outcome = pool.enqueue(commit);
      // acknowledged only once a restarted dispatcher would still know it, even when it was
      // queued by an earlier dispatch whose sync failed
      pool.sync();
      if (outcome == RunnerPool.Enqueued.QUEUED) {
        log.info("queued commit {}", commit);
      } else {
        log.info("commit {} is already {}; not queued again", commit,
            outcome == RunnerPool.Enqueued.ALREADY_PENDING ? "queued" : "being tested");
      }
      return Reply.OK;
    }
  }

  private Reply register(HostAndPort runner) {
    Optional<CommitId> lost = pool.register(runner);
    log.info("registered runner {}", runner);
    lost.ifPresent(commit -> log.warn(
        "runner {} registered again while testing commit {}; the commit goes back to the queue",
        runner, commit));
    return Reply.OK;
  }

  private Reply store(Results result) {
    CommitId commit = result.commit();
    try (MDC.MDCCloseable ignored = MDC.putCloseable("commit", commit.value())) {
      boolean stored;
      try {
        stored = results.store(commit, result.report());
      } catch (UncheckedIOException e) {
        // Not stored, and no reply: the runner keeps its report and sends it again later, so
        // the commit stays with it; testing it again would only make another report to store.
        pool.reportWaits(commit);
        throw e;
      }
      Optional<HostAndPort> runner = pool.complete(commit);
      if (stored) {
        log.info("stored result for commit {} from runner {} in {}", commit,
            runner.map(HostAndPort::toString).orElse("(unassigned)"), results.fileFor(commit));
      } else {
        log.warn("dropped a second result for commit {}: it already has one", commit);
      }
      return Reply.OK;
    }
  }
}
