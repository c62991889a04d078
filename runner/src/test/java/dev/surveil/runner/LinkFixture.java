package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Results;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.FakeTicker;
import dev.surveil.testing.LogRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link DispatcherLink} on real sockets with time that moves only when a test says so: a
 * {@link FakeTicker}, an outbox in a temporary folder, a {@link FakeDispatcher}, a handler whose
 * test jobs wait for {@link #release()} and then keep their report as the runner's do, and a
 * {@link LogRecorder} on {@code dev.surveil.runner}. {@link #close()} stops it all and checks
 * that the dispatcher got no request the test left unchecked. Not thread-safe.
 */
final class LinkFixture implements AutoCloseable {
  static final Register REGISTER = new Register(new HostAndPort("localhost", 8901));

  final FakeTicker ticker = new FakeTicker();
  final DispatcherContact contact = new DispatcherContact(ticker);
  final LogRecorder logs = LogRecorder.record("dev.surveil.runner");
  final ReportOutbox outbox;
  final FakeDispatcher dispatcher;
  final TestRequestHandler handler;
  final DispatcherLink link;
  private final CountDownLatch release = new CountDownLatch(1);

  /**
   * @param root a temporary folder for the outbox
   * @param checkInterval how long without a ping before the link asks for {@code status}
   * @param refusals how the link retries reports the dispatcher refuses
   */
  LinkFixture(Path root, Duration checkInterval, DeliverySchedule.Policy refusals) {
    try {
      outbox = ReportOutbox.open(root.resolve("surveil-outbox"));
    } catch (IOException e) {
      logs.close();
      throw new UncheckedIOException(e);
    }
    dispatcher = FakeDispatcher.start();
    handler = new TestRequestHandler(contact, this::job, this::wake);
    link = new DispatcherLink(outbox, new DispatcherClient(dispatcher.address()), handler,
        contact, checkInterval, ticker, DispatcherLink.standardBackoff(), refusals);
  }

  private void wake() {
    link.wake();
  }

  /** A test job that waits for {@link #release}, then keeps its report as the runner's does. */
  private void job(CommitId commit, Runnable testsDone) throws InterruptedException {
    release.await();
    outbox.put(reportOf(commit));
    testsDone.run();
  }

  /** The report a job of this fixture keeps for {@code commit}. */
  static Results reportOf(CommitId commit) {
    return new Results(commit, "report of " + commit.abbreviated() + "\n");
  }

  /** Lets the test jobs finish. */
  void release() {
    release.countDown();
  }

  /** Moves the fake time on and makes the link look at it (a waiting retry happens now). */
  void advance(Duration duration) {
    ticker.advance(duration);
    link.wake();
  }

  /** Starts the link with an empty outbox and waits until it has registered. */
  void startRegistered() throws InterruptedException {
    link.start(REGISTER);
    assertThat(dispatcher.takeRequest()).isEqualTo(REGISTER);
    logs.awaitLine("INFO registered"); // the link has the answer: time may move on
  }

  @Override
  public void close() {
    release.countDown();
    try {
      link.close();
      handler.close();
      dispatcher.close();
      dispatcher.assertNoMoreRequests();
    } finally {
      logs.close();
      RunnerThreads.awaitNoneAlive();
    }
  }
}
