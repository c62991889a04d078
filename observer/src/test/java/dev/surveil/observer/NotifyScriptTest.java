package dev.surveil.observer;

import static dev.surveil.observer.ObserverFixture.NO_SCHEDULE;
import static dev.surveil.observer.ObserverFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.auth.Secret;
import dev.surveil.net.ServerOptions;
import dev.surveil.testing.FakeDispatcher;
import dev.surveil.testing.GitRepoFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code scripts/notify} and the sample hooks {@code scripts/install-hook} installs, run as real
 * processes against a real observer's notify port.
 */
class NotifyScriptTest {
  private static final Path SCRIPTS = root().resolve("scripts");

  @RegisterExtension
  final ObserverFixture fixture = ObserverFixture.create();
  private final GitRepoFixture repo = fixture.repo();
  private FakeDispatcher dispatcher = fixture.dispatcher();

  private record Run(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private static Path root() {
    String root = System.getProperty("surveil.root");
    Path dir = root != null ? Path.of(root) : Path.of("..");
    return dir.toAbsolutePath().normalize();
  }

  /** Runs {@code command} in {@code dir} and waits up to 30 s for it; kills it otherwise. */
  private Run run(Path dir, String... command) throws Exception {
    return run(Map.of(), dir, command);
  }

  /**
   * Runs {@code command} in {@code dir} with {@code environment} added to this JVM's, less the
   * variables the scripts read, and waits up to 30 s for it; kills it otherwise.
   */
  private Run run(Map<String, String> environment, Path dir, String... command)
      throws Exception {
    Path out = Files.createTempFile(repo.root(), "out", ".txt");
    Path err = Files.createTempFile(repo.root(), "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet()
        .removeAll(List.of("SURVEIL_OBSERVER", "SURVEIL_TOKEN", "SURVEIL_TOKEN_FILE"));
    builder.environment().putAll(environment);
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
    return startObserver(Optional.empty());
  }

  /**
   * As {@link #startObserver()}, with {@code secret}; with one, the dispatcher has it too and
   * refuses every request not signed with it.
   */
  private ObserverService startObserver(Optional<Secret> secret) throws Exception {
    if (secret.isPresent()) {
      dispatcher = fixture.restartDispatcherWith(ServerOptions.DEFAULT.withSecret(secret));
    }
    String beforeStart = repo.commitTrivialChange("before start");
    ObserverService service = fixture.observe(dispatcher.address(), NO_SCHEDULE,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), secret);
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
    assertThat(run.out()).startsWith("Usage: notify [--token-file PATH] [HOST:PORT]")
        .contains("localhost:8889", "SURVEIL_TOKEN_FILE", "SURVEIL_TOKEN");
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

  private static final String TOKEN = "notify-script-test-token-0123456789";

  /** A token file holding {@code token} and a newline, readable by its owner only. */
  private Path tokenFile(String name, String token) throws IOException {
    Path file = Files.writeString(repo.root().resolve(name), token + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Test
  void notifySignedWithTheTokenFileMakesAnObserverWithTheSecretPoll() throws Exception {
    ObserverService service = startObserver(Optional.of(Secret.of(TOKEN)));
    String first = repo.commitTrivialChange("one");

    Run run = run(repo.root(), "bash", SCRIPTS.resolve("notify").toString(), "--token-file",
        tokenFile("token", TOKEN).toString(), loopback(service.notifyAddress().getPort()));

    assertThat(run).isEqualTo(new Run(0, "", ""));
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(first));
  }

  @Test
  void notifySignedWithSurveilTokenMakesAnObserverWithTheSecretPoll() throws Exception {
    ObserverService service = startObserver(Optional.of(Secret.of(TOKEN)));
    String first = repo.commitTrivialChange("one");

    Run run = run(Map.of("SURVEIL_TOKEN", TOKEN), repo.root(), "bash",
        SCRIPTS.resolve("notify").toString(), loopback(service.notifyAddress().getPort()));

    assertThat(run).isEqualTo(new Run(0, "", ""));
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(first));
  }

  @Test
  void unsignedNotifyToAnObserverWithASecretFailsWithOneLine() throws Exception {
    ObserverService service = startObserver(Optional.of(Secret.of(TOKEN)));
    String address = loopback(service.notifyAddress().getPort());

    Run run = run(repo.root(), "bash", SCRIPTS.resolve("notify").toString(), address);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).containsExactly("notify: the observer at " + address
        + " has a secret and refused the unsigned notify; give its token with --token-file"
        + " PATH, SURVEIL_TOKEN_FILE or SURVEIL_TOKEN");
  }

  @Test
  void notifySignedWithAnotherTokenFailsWithOneLine() throws Exception {
    ObserverService service = startObserver(Optional.of(Secret.of(TOKEN)));
    String address = loopback(service.notifyAddress().getPort());

    Run run = run(Map.of("SURVEIL_TOKEN", "some-other-token-0123456789"), repo.root(), "bash",
        SCRIPTS.resolve("notify").toString(), address);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly("notify: the observer at " + address
        + " refused the signed notify: its secret is another token, or its clock and this one"
        + " are more than 30 s apart");
  }

  @Test
  void signedNotifyToAnObserverWithoutASecretFailsWithOneLine() throws Exception {
    ObserverService service = startObserver();
    String address = loopback(service.notifyAddress().getPort());

    Run run = run(Map.of("SURVEIL_TOKEN", TOKEN), repo.root(), "bash",
        SCRIPTS.resolve("notify").toString(), address);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly("notify: the observer at " + address
        + " has no secret and refused the signed notify; unset the token");
  }

  @Test
  void tokenFileReadableByOthersIsRefusedBeforeAnythingIsSent() throws Exception {
    Path token = tokenFile("token", TOKEN);
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

    Run run = run(repo.root(), "bash", SCRIPTS.resolve("notify").toString(), "--token-file",
        token.toString(), loopback(FakeDispatcher.freePort()));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly("notify: token file " + token
        + " is readable by others; run: chmod 600 " + token);
  }

  @Test
  void installedHookSignsWithTheTokenFileNamedBySurveilTokenFile() throws Exception {
    ObserverService service = startObserver(Optional.of(Secret.of(TOKEN)));
    Path master = repo.master();
    assertThat(run(repo.root(), "bash", SCRIPTS.resolve("install-hook").toString(),
        master.toString(), loopback(service.notifyAddress().getPort())).exitCode()).isZero();
    Files.writeString(master.resolve("hooked"), "by a hook");
    assertThat(run(master, "git", "add", "hooked").exitCode()).isZero();

    Run commit = run(Map.of("SURVEIL_TOKEN_FILE", tokenFile("token", TOKEN).toString()), master,
        "git", "-c", "user.name=Surveil Test", "-c", "user.email=test@surveil.invalid",
        "commit", "-q", "-m", "hooked commit");

    assertThat(commit).isEqualTo(new Run(0, "", ""));
    assertThat(List.of(dispatcher.takeRequest(), dispatcher.takeRequest()))
        .containsExactlyElementsOf(batch(repo.head()));
  }
}
