package dev.surveil.bench.scenario;

import dev.surveil.bench.process.LogMatch;
import dev.surveil.bench.process.Program;
import dev.surveil.net.LineClient;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Notify;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.testing.GitRepoFixture;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Makes one commit in the master repository, triggers it as a {@link Trigger} says, and follows
 * it through the dispatcher's and the runner's logs until the result is stored and the runner
 * has delivered it. Not thread-safe.
 */
final class CommitTracer {
  private static final Duration RESULT = Duration.ofSeconds(120);

  private final GitRepoFixture repo;
  private final Program dispatcher;
  private final HostAndPort dispatcherAddress;
  private final Program runner;
  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
  private int commits;

  CommitTracer(GitRepoFixture repo, Program dispatcher, HostAndPort dispatcherAddress,
      Program runner) {
    this.repo = repo;
    this.dispatcher = dispatcher;
    this.dispatcherAddress = dispatcherAddress;
    this.runner = runner;
  }

  /** The dispatcher whose log it reads. */
  Program dispatcher() {
    return dispatcher;
  }

  /**
   * Commits a change and times it to its stored result.
   *
   * @param notifyAddress where the observer listens for {@code notify}, for {@link Trigger#PUSH}
   */
  CommitTimeline trace(Trigger trigger, Optional<HostAndPort> notifyAddress)
      throws IOException, InterruptedException {
    int dispatcherMark = dispatcher.log().size();
    int runnerMark = runner.log().size();
    String commit = repo.commit("bench commit " + ++commits,
        Map.of("new_file", trigger + " " + commits + " " + System.nanoTime()));
    long committed = System.currentTimeMillis();
    if (trigger == Trigger.PUSH) {
      send(notifyAddress.orElseThrow(), new Notify());
    } else if (trigger == Trigger.DIRECT_DISPATCH) {
      send(dispatcherAddress, new Dispatch(new CommitId(commit)));
    }
    LogMatch queued = dispatcher.await(LogEvents.queued(commit), dispatcherMark, RESULT);
    LogMatch started = runner.await(LogEvents.started(commit), runnerMark, RESULT);
    LogMatch finished = runner.await(LogEvents.finished(commit), started.index(), RESULT);
    Optional<LogMatch> checkedOut = runner.log().find(LogEvents.checkedOut(commit),
        started.index());
    LogMatch stored = dispatcher.await(LogEvents.stored(commit), queued.index(), RESULT);
    runner.await(LogEvents.delivered(commit), finished.index(), RESULT);
    return new CommitTimeline(committed, queued.epochMillis(), started.epochMillis(),
        checkedOut.map(m -> OptionalLong.of(m.epochMillis())).orElse(OptionalLong.empty()),
        finished.epochMillis(), Long.parseLong(finished.group(1)), stored.epochMillis());
  }

  private void send(HostAndPort address, Request request) throws IOException {
    Reply reply = client.send(address, request);
    if (reply != Reply.OK) {
      throw new IllegalStateException(address + " answered '" + reply.text() + "' to "
          + request);
    }
  }
}
