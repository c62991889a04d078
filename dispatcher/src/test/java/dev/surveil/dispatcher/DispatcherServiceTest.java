package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.surveil.net.LineClient;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.storage.FolderInUseException;
import dev.surveil.time.Ticker;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher over real sockets, with in-process fake runners. */
class DispatcherServiceTest {
  private static final CommitId COMMIT = new CommitId("0123456789abcdef0123456789abcdef01234567");

  @TempDir
  Path dir;
  private DispatcherService dispatcher;
  private HostAndPort dispatcherAddress;
  private final BlockingQueue<Request> runnerRequests = new LinkedBlockingQueue<>();
  private LineServer runner;
  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(5));

  @BeforeEach
  void setUp() throws Exception {
    dispatcher = new DispatcherService(new DispatcherSettings(
        new InetSocketAddress("127.0.0.1", 0), dir, Duration.ofMillis(100),
        Duration.ofSeconds(1), ServerOptions.DEFAULT));
    dispatcher.start();
    dispatcherAddress = new HostAndPort("127.0.0.1", dispatcher.localAddress().getPort());
    runner = new LineServer("fake-runner", new InetSocketAddress("127.0.0.1", 0), request -> {
      runnerRequests.add(request);
      return request instanceof Ping ? Reply.PONG : Reply.OK;
    }, ServerOptions.DEFAULT, Ticker.SYSTEM);
    runner.start();
  }

  @AfterEach
  void tearDown() {
    runner.close();
    dispatcher.close();
  }

  private DispatcherSettings config(int port, Path results) {
    return new DispatcherSettings(new InetSocketAddress("127.0.0.1", port), results,
        Duration.ofMillis(100), Duration.ofSeconds(1), ServerOptions.DEFAULT);
  }

  @Test
  void secondDispatcherOnTheSameFolderIsRefusedAndTheFirstOneKeepsItsJournal() throws Exception {
    assertThat(client.send(dispatcherAddress,
        new Register(runnerAddress()))).isEqualTo(Reply.OK);
    assertThat(client.send(dispatcherAddress, new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> dispatcher.pool().assignments().containsKey(COMMIT)); // journal at rest
    byte[] journal = Files.readAllBytes(dir.resolve(JournalFile.NAME));
    Files.writeString(dir.resolve(".incoming-left-by-the-running-one.tmp"), "half a report");

    assertThatThrownBy(() -> new DispatcherService(config(0, dir)))
        .isInstanceOf(FolderInUseException.class)
        .hasMessage(dir + " is in use by another dispatcher (pid " + ProcessHandle.current().pid()
            + ")");

    assertThat(Files.readAllBytes(dir.resolve(JournalFile.NAME))).isEqualTo(journal);
    assertThat(dir.resolve(".incoming-left-by-the-running-one.tmp")).exists();
    CommitId second = new CommitId("2222222222222222222222222222222222222222");
    assertThat(client.send(dispatcherAddress, new Dispatch(second))).isEqualTo(Reply.OK);
    assertThat(Files.readString(dir.resolve(JournalFile.NAME))).contains("enqueue " + second);
  }

  @Test
  void secondDispatcherOnTheSamePortFailsBeforeTouchingItsFolder() {
    Path other = dir.resolve("other-results");

    assertThatThrownBy(() -> new DispatcherService(config(dispatcherAddress.port(), other)))
        .isInstanceOf(BindException.class);

    assertThat(other).doesNotExist();
  }

  @Test
  void closedDispatcherReleasesItsFolder() throws Exception {
    dispatcher.close();

    dispatcher = new DispatcherService(config(0, dir));

    assertThat(dispatcher.pool().pending()).isEmpty();
  }

  @Test
  void dispatchedCommitReachesARegisteredRunnerAndItsResultIsStored() throws Exception {
    assertThat(client.send(dispatcherAddress, new Status())).isEqualTo(Reply.OK);
    assertThat(client.send(dispatcherAddress, new Dispatch(COMMIT))).isEqualTo(Reply.NO_RUNNERS);
    assertThat(client.send(dispatcherAddress,
        new Register(runnerAddress()))).isEqualTo(Reply.OK);
    assertThat(client.send(dispatcherAddress, new Dispatch(COMMIT))).isEqualTo(Reply.OK);
    Request request;
    do {
      request = runnerRequests.poll(10, TimeUnit.SECONDS);
      assertThat(request).isNotNull();
    } while (request instanceof Ping);
    assertThat(request).isEqualTo(new RunTest(COMMIT));
    String report = "1 tests: a:b\nc\n";
    assertThat(client.send(dispatcherAddress, new Results(COMMIT, report))).isEqualTo(Reply.OK);
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo(report);
  }

  @Test
  void aRunnerThatStopsAnsweringIsRemovedFromThePool() throws Exception {
    client.send(dispatcherAddress, new Register(runnerAddress()));
    assertThat(runnerRequests.poll(10, TimeUnit.SECONDS)).isEqualTo(new Ping());
    runner.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.pool().runners().isEmpty());
    assertThat(client.send(dispatcherAddress, new Dispatch(COMMIT))).isEqualTo(Reply.NO_RUNNERS);
  }

  @Test
  void answersGarbageWithInvalidCommandAndKeepsServing() throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", dispatcherAddress.port())) {
      socket.getOutputStream().write("hello there\n".getBytes());
      String reply = new String(socket.getInputStream().readAllBytes());
      assertThat(reply).isEqualTo("Invalid command");
    }
    assertThat(client.send(dispatcherAddress, new Status())).isEqualTo(Reply.OK);
  }

  @Test
  void aRestartedDispatcherKeepsItsRunnersQueueAndAssignmentsButNotFinishedCommits()
      throws Exception {
    CommitId second = new CommitId("2222222222222222222222222222222222222222");
    CommitId third = new CommitId("3333333333333333333333333333333333333333");
    client.send(dispatcherAddress, new Register(runnerAddress()));
    for (CommitId commit : new CommitId[] {COMMIT, second, third}) {
      assertThat(client.send(dispatcherAddress, new Dispatch(commit))).isEqualTo(Reply.OK);
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> dispatcher.pool().assignments().containsKey(COMMIT));
    dispatcher.close();
    Files.writeString(dir.resolve(third.value()), "stored just before the crash");

    dispatcher = new DispatcherService(new DispatcherSettings(
        new InetSocketAddress("127.0.0.1", 0), dir, Duration.ofMillis(100),
        Duration.ofSeconds(1), ServerOptions.DEFAULT));
    assertThat(dispatcher.pool().runners()).containsExactly(runnerAddress());
    assertThat(dispatcher.pool().assignments())
        .isEqualTo(java.util.Map.of(COMMIT, runnerAddress()));
    assertThat(dispatcher.pool().pending()).containsExactly(second);

    dispatcher.start();
    dispatcherAddress = new HostAndPort("127.0.0.1", dispatcher.localAddress().getPort());
    runnerRequests.clear();
    assertThat(client.send(dispatcherAddress, new Results(COMMIT, "late but welcome")))
        .isEqualTo(Reply.OK);
    Request request;
    do {
      request = runnerRequests.poll(10, TimeUnit.SECONDS);
      assertThat(request).isNotNull();
    } while (request instanceof Ping);
    assertThat(request).isEqualTo(new RunTest(second));
    assertThat(Files.readString(dir.resolve(COMMIT.value()))).isEqualTo("late but welcome");
  }

  private HostAndPort runnerAddress() {
    return new HostAndPort("127.0.0.1", runner.localAddress().getPort());
  }
}
