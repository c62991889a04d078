package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.surveil.dispatcher.DispatcherService;
import dev.surveil.dispatcher.DispatcherSettings;
import dev.surveil.net.ServerOptions;
import dev.surveil.observer.ObserverService;
import dev.surveil.observer.ObserverSettings;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.runner.PortRange;
import dev.surveil.runner.RepositoryCheckout;
import dev.surveil.runner.RunnerService;
import dev.surveil.runner.RunnerSettings;
import dev.surveil.runner.execution.JUnitSourceExecutor;
import dev.surveil.testing.GitRepoFixture;
import dev.surveil.time.Ticker;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline in one JVM (the tests themselves still run in a child JVM): a commit to a
 * real temporary git repository becomes a result file reporting 1 passed and 1 failed.
 */
class InProcessPipelineTest {
  private final GitRepoFixture repo = GitRepoFixture.createWithBasicTests();
  private DispatcherService dispatcher;
  private RunnerService runner;
  private RepositoryCheckout checkout;
  private ObserverService observer;

  @AfterEach
  void tearDown() {
    if (observer != null) {
      observer.close();
    }
    if (runner != null) {
      runner.close();
    }
    if (checkout != null) {
      checkout.close();
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    repo.close();
  }

  @Test
  void aCommitProducesAResultFileWithOnePassAndOneFailure() throws Exception {
    Path results = repo.root().resolve("test_results");
    dispatcher = new DispatcherService(new DispatcherSettings(
        new InetSocketAddress("127.0.0.1", 0), results, Duration.ofMillis(500),
        Duration.ofSeconds(2), ServerOptions.DEFAULT));
    dispatcher.start();
    HostAndPort address = new HostAndPort("127.0.0.1", dispatcher.localAddress().getPort());
    checkout = RepositoryCheckout.open(repo.cloneTo("runner"));
    runner = new RunnerService(
        new RunnerSettings("127.0.0.1", PortRange.of(0), address, Duration.ofSeconds(10)),
        checkout, new JUnitSourceExecutor(Duration.ofMinutes(2), checkout.workRoot()),
        Ticker.SYSTEM);
    runner.start();
    observer = ObserverService.open(
        new ObserverSettings(repo.cloneTo("observer"), address, Duration.ofHours(1), false));

    String commit = repo.commitTrivialChange("hello");
    observer.pollOnce();

    Path file = results.resolve(commit);
    await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(file));
    String report = Files.readString(file);
    assertThat(report).contains("FAILED  FailingTest.onePlusOneIsThree()", "1 + 1 should be 3",
        "PASSED  PassingTest.onePlusOneIsTwo()");
    assertThat(report).endsWith("2 tests, 1 passed, 1 failed, 0 skipped\n");
  }
}
