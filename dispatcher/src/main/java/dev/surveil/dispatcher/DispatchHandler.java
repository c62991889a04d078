package dev.surveil.dispatcher;

import dev.surveil.net.MessageHandler;
import dev.surveil.protocol.Claim;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.Status;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 *
 * <p>A result is taken only from a runner that may have it: the connection must come from the
 * registered host ({@link RunnerAddresses}) of the runner the commit is assigned to, or of the
 * runner that had it last before it went back to the queue (its late result is as good, and the
 * commit is done at once, whoever has it now). A result for a commit that no runner had is taken
 * only when the dispatcher accepts unassigned results (the chapter's behaviour, for tests and
 * hand-made results). Anything else gets {@code Invalid command} and a WARN naming the sender. A
 * second result for a commit that has one changes nothing and gets {@code OK}, so a runner whose
 * run was repeated elsewhere stops sending it.
 */
final class DispatchHandler implements MessageHandler {
  private static final Logger log = LoggerFactory.getLogger(DispatchHandler.class);

  /** Where {@link #handle(Request)} takes a request to come from: this machine's loopback. */
  private static final InetSocketAddress LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final RunnerPool pool;
  private final ResultStore results;
  private final boolean acceptUnassigned;

  /** A handler that refuses results for commits no runner had. */
  DispatchHandler(RunnerPool pool, ResultStore results) {
    this(pool, results, false);
  }

  /**
   * @param acceptUnassigned whether a result for a commit that no runner had (queued, or never
   *     dispatched) is stored, whoever sends it
   */
  DispatchHandler(RunnerPool pool, ResultStore results, boolean acceptUnassigned) {
    this.pool = pool;
    this.results = results;
    this.acceptUnassigned = acceptUnassigned;
  }

  /** {@link #handle(Request, InetSocketAddress)} of a request from this machine's loopback. */
  @Override
  public Reply handle(Request request) {
    return handle(request, LOOPBACK);
  }

  /** The reply, or {@code null} (close without one) if the change could not be written. */
  @Override
  public Reply handle(Request request, InetSocketAddress peer) {
    try {
      return answer(request, peer);
    } catch (UncheckedIOException e) {
      log.debug("{} not done, closing without a reply: {}", request.command().token(),
          e.getMessage());
      return null;
    }
  }

  private Reply answer(Request request, InetSocketAddress peer) {
    if (request instanceof Status) {
      return Reply.OK;
    } else if (request instanceof Dispatch dispatch) {
      return dispatch(dispatch.commit());
    } else if (request instanceof Register register) {
      return register(register.runner());
    } else if (request instanceof Results result) {
      return store(result, peer);
    } else if (request instanceof Claim claim) {
      return claim(claim);
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

  /** {@code OK} if the runner may test the commit; see {@link RunnerPool#mayTest}. */
  private Reply claim(Claim claim) {
    CommitId commit = claim.commit();
    HostAndPort runner = claim.runner();
    try (MDC.MDCCloseable ignored = MDC.putCloseable("commit", commit.value())) {
      if (pool.mayTest(commit, runner)) {
        log.debug("runner {} confirmed it is testing commit {}", runner, commit);
        return Reply.OK;
      }
      log.warn("runner {} was about to test commit {}, which is no longer its own (it took the"
          + " offer too late); told it not to", runner, commit);
      return Reply.NOT_ASSIGNED;
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

  private Reply store(Results result, InetSocketAddress peer) {
    CommitId commit = result.commit();
    try (MDC.MDCCloseable ignored = MDC.putCloseable("commit", commit.value())) {
      String sender = describe(peer);
      if (results.has(commit)) {
        pool.complete(commit); // in case a failed journal write left it open
        log.info("dropped a second result for commit {} from {}: it already has one", commit,
            sender);
        return Reply.OK;
      }
      Verdict verdict = judge(commit, peer.getAddress());
      if (verdict.refusal() != null) {
        log.warn("refused a result for commit {} from {}: {}", commit, sender,
            verdict.refusal());
        return Reply.INVALID_COMMAND;
      }
      boolean stored;
      try {
        stored = results.store(commit, result.report());
      } catch (UncheckedIOException e) {
        // Not stored, and no reply: the runner keeps its report and sends it again later, so
        // the commit stays with it; testing it again would only make another report to store.
        pool.reportWaits(commit);
        throw e;
      }
      Optional<HostAndPort> completed = pool.complete(commit);
      // credited to the runner that sent it (a late one, maybe), else the one that had it
      Optional<HostAndPort> runner = verdict.runner().or(() -> completed);
      if (stored) {
        log.info("stored result for commit {} from runner {} sent from {} in {}", commit,
            runner.map(HostAndPort::toString).orElse("(unassigned)"), sender,
            results.fileFor(commit));
      } else {
        log.warn("dropped a second result for commit {} from {}: it already has one", commit,
            sender);
      }
      return Reply.OK;
    }
  }

  /**
   * Whether a sender may deliver a commit's result: {@code refusal} says why not; else
   * {@code runner} is the runner it is, if any (none for an unassigned commit taken because the
   * dispatcher accepts those).
   */
  private record Verdict(Optional<HostAndPort> runner, String refusal) {}

  /** Whether the sender at {@code peer} may deliver the result of {@code commit}. */
  private Verdict judge(CommitId commit, InetAddress peer) {
    RunnerPool.Senders senders = pool.senders(commit);
    Optional<HostAndPort> runner =
        senders.all().stream().filter(candidate -> isFrom(candidate, peer)).findFirst();
    if (runner.isPresent()) {
      return new Verdict(runner, null);
    }
    if (senders.assigned().isPresent()) {
      return new Verdict(Optional.empty(), "the commit is being tested by runner "
          + senders.assigned().get() + ", whose host is not that address");
    }
    if (acceptUnassigned) {
      return new Verdict(Optional.empty(), null);
    }
    return new Verdict(Optional.empty(), "no runner is testing the commit (start the dispatcher"
        + " with --accept-unassigned-results to take results for commits it did not hand out)");
  }

  private static boolean isFrom(HostAndPort runner, InetAddress peer) {
    return peer != null && RunnerAddresses.isFrom(runner.host(), peer);
  }

  private static String describe(InetSocketAddress peer) {
    return peer.getAddress() == null ? peer.getHostString()
        : peer.getAddress().getHostAddress() + ":" + peer.getPort();
  }
}
