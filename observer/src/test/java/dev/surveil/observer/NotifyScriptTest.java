package dev.surveil.observer;

import static dev.surveil.observer.ObserverFixture.NO_SCHEDULE;
import static dev.surveil.observer.ObserverFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.testing.GitRepoFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/notify} and the sample hooks {@code scripts/install-hook} installs, run as real
 * processes against a real observer's notify port.
 */
class NotifyScriptTest {
  private static final Path SCRIPTS = root().resolve("scripts");

  private ObserverFixture fixture;
  private GitRepoFixture repo;
  private FakeDispatcher dispatcher;

  private record Run(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  @BeforeEach
  void setUp() {
    fixture = ObserverFixture.create();
    repo = fixture.repo();
    dispatcher = fixture.dispatcher();
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private static Path root() {
    String root = System.getProperty("surveil.root");
    Path dir = root != null ? Path.of(root) : Path.of("..");
    return dir.toAbsolutePath().normalize();
  }

  /** Runs {@code command} in {@code dir} and waits up to 30 s for it; kills it otherwise. */
  private Run run(Path dir, String... command) throws Exception {
    Path out = Files.createTempFile(repo.root(), "out", ".txt");
    Path err = Files.createTempFile(repo.root(), "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("SURVEIL_OBSERVER");
    Process process = builder.start();
    try {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
      return new Run(process.exitValue(), read(out), read(err));
    } finally {
      process.destroyForcibly();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /**
   * A started observer that polls every hour, once its first poll has fetched (it dispatches a
   * commit made for that purpose): a later commit is only seen by a poll asked for.
   */
  private ObserverService startObserver() throws Exception {
    String beforeStart = repo.commitTrivialChange("before start");
    ObserverService service = fixture.observe(dispatcher.address(), NO_SCHEDULE,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    service.start();
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(beforeStart));
    return service;
  }

  private static String loopback(int port) {
    return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
  }

  @Test
  void notifyScriptMakesTheObserverPollAndPrintsNothing() throws Exception {
    ObserverService service = startObserver();
    String first = repo.commitTrivialChange("one");

    Run run = run(repo.root(), "bash", SCRIPTS.resolve("notify").toString(),
        loopback(service.notifyAddress().getPort()));

    assertThat(run).isEqualTo(new Run(0, "", ""));
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(first));
  }

  @Test
  void notifyScriptAgainstAClosedPortFailsWithOneLine() throws Exception {
    String address = loopback(FakeDispatcher.freePort());

    Run run = run(repo.root(), "bash", SCRIPTS.resolve("notify").toString(), address);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).containsExactly("notify: cannot reach the observer at " + address
        + " (Connection refused); is it running with this --notify-port?");
  }

  @Test
  void notifyScriptHelpPrintsUsage() throws Exception {
    Run run = run(repo.root(), "bash", SCRIPTS.resolve("notify").toString(), "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: notify [HOST:PORT]").contains("localhost:8889");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void installedPostCommitHookMakesTheObserverPollAtEachCommit() throws Exception {
    ObserverService service = startObserver();
    String address = loopback(service.notifyAddress().getPort());
    Path master = repo.master();
    Run install = run(repo.root(), "bash", SCRIPTS.resolve("install-hook").toString(),
        master.toString(), address);
    assertThat(install.exitCode()).as(install.err()).isZero();
    assertThat(master.resolve(".git/hooks/post-commit")).isExecutable().content()
        .contains("SURVEIL_NOTIFY_COMMAND=" + SCRIPTS.resolve("notify"));
    Files.writeString(master.resolve("hooked"), "by a hook");

    Run add = run(master, "git", "add", "hooked");
    Run commit = run(master, "git", "-c", "user.name=Surveil Test",
        "-c", "user.email=test@surveil.invalid", "commit", "-q", "-m", "hooked commit");

    assertThat(add.exitCode()).as(add.err()).isZero();
    assertThat(commit).as("the hook prints nothing when the observer answers")
        .isEqualTo(new Run(0, "", ""));
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(repo.head()));
  }

  @Test
  void hookNeverFailsTheCommitWhenTheObserverIsDown() throws Exception {
    Path master = repo.master();
    String address = loopback(FakeDispatcher.freePort());
    assertThat(run(repo.root(), "bash", SCRIPTS.resolve("install-hook").toString(),
        master.toString(), address).exitCode()).isZero();
    Files.writeString(master.resolve("hooked"), "by a hook");
    assertThat(run(master, "git", "add", "hooked").exitCode()).isZero();

    Run commit = run(master, "git", "-c", "user.name=Surveil Test",
        "-c", "user.email=test@surveil.invalid", "commit", "-q", "-m", "hooked commit");

    assertThat(commit.exitCode()).isZero();
    assertThat(commit.errLines()).hasSize(2).last().asString()
        .isEqualTo("surveil: the observer was not told about the commit; it sees it at its next"
            + " poll");
  }
}
