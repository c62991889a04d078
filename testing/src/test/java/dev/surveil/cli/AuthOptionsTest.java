package dev.surveil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.surveil.auth.Secret;
import dev.surveil.net.ServerOptions;
import dev.surveil.testing.LogRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/** {@link AuthOptions} as a picocli mixin: where the secret comes from, and the one warning. */
class AuthOptionsTest {
  private static final String TOKEN = "a-token-long-enough-to-not-warn";

  @TempDir
  Path dir;

  private final LogRecorder logs = LogRecorder.record(AuthOptions.class.getName());

  @Command(name = "program")
  static final class Program {
    @Mixin
    AuthOptions auth;

    Program(AuthOptions auth) {
      this.auth = auth;
    }
  }

  @AfterEach
  void stopRecording() {
    logs.close();
  }

  @Test
  void readsTheTokenFileGivenOnTheCommandLine() throws IOException {
    Path file = tokenFile(TOKEN + "\n");

    AuthOptions auth = parse(Map.of(), "--token-file", file.toString());

    assertThat(auth.secret()).contains(Secret.of(TOKEN));
    assertThat(auth.signer()).isPresent();
    assertThat(auth.serverOptions(ServerOptions.DEFAULT).verifier()).isPresent();
  }

  @Test
  void readsTheEnvironmentVariableWithoutTheOption() throws IOException {
    AuthOptions auth = parse(Map.of("SURVEIL_TOKEN", TOKEN));

    assertThat(auth.secret()).contains(Secret.of(TOKEN));
  }

  @Test
  void prefersTheTokenFileToTheEnvironment() throws IOException {
    Path file = tokenFile("from-the-file-and-long-enough");

    AuthOptions auth = parse(Map.of("SURVEIL_TOKEN", TOKEN), "--token-file", file.toString());

    assertThat(auth.secret()).contains(Secret.of("from-the-file-and-long-enough"));
  }

  @Test
  void hasNoSecretWhenNeitherIsGiven() throws IOException {
    AuthOptions auth = parse(Map.of());

    assertThat(auth.secret()).isEmpty();
    assertThat(auth.signer()).isEmpty();
    assertThat(auth.serverOptions(ServerOptions.DEFAULT)).isSameAs(ServerOptions.DEFAULT);
  }

  @Test
  void refusesAnEmptyEnvironmentVariable() {
    AuthOptions auth = parse(Map.of("SURVEIL_TOKEN", ""));

    assertThatThrownBy(auth::secret)
        .isInstanceOf(IOException.class)
        .hasMessage("SURVEIL_TOKEN is set but empty; unset it or give a token");
  }

  @Test
  void reportsAnUnusableTokenFileInOneLine() throws IOException {
    Path file = tokenFile(TOKEN);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    AuthOptions auth = parse(Map.of(), "--token-file", file.toString());

    assertThatThrownBy(auth::secret)
        .isInstanceOf(IOException.class)
        .hasMessage("--token-file: token file " + file + " is readable by others; run: chmod 600 "
            + file);
  }

  @Test
  void readsTheFileOnce() throws IOException {
    Path file = tokenFile(TOKEN);
    AuthOptions auth = parse(Map.of(), "--token-file", file.toString());
    Optional<Secret> first = auth.secret();

    Files.delete(file);

    assertThat(auth.secret()).isEqualTo(first);
  }

  @Test
  void warnsAboutAShortTokenWithoutShowingIt() throws IOException {
    parse(Map.of("SURVEIL_TOKEN", "short")).secret();

    assertThat(logs.messages(Level.WARN)).containsExactly(
        "the token is only 5 bytes; a longer one is harder to guess, e.g. openssl rand -hex 32");
  }

  @Test
  void warnsOnceWhenListeningBeyondLoopbackWithoutASecret() throws IOException {
    AuthOptions auth = parse(Map.of());

    assertThat(auth.warnIfUnauthenticated("dispatcher", "0.0.0.0")).isTrue();

    assertThat(logs.messages(Level.WARN)).containsExactly("dispatcher has no secret "
        + "(--token-file or SURVEIL_TOKEN) and listens on 0.0.0.0: anyone who can reach it can "
        + "send it requests");
  }

  @Test
  void doesNotWarnOnLoopbackOrWithASecret() throws IOException {
    for (String host : new String[] {"localhost", "127.0.0.1", "127.0.0.2", "::1"}) {
      assertThat(parse(Map.of()).warnIfUnauthenticated("runner", host)).as(host).isFalse();
    }
    assertThat(parse(Map.of("SURVEIL_TOKEN", TOKEN)).warnIfUnauthenticated("runner", "0.0.0.0"))
        .isFalse();
    assertThat(logs.messages(Level.WARN)).isEmpty();
  }

  @Test
  void showsTheOptionInUsageHelp() {
    String usage = new CommandLine(new Program(new AuthOptions(Map.of()))).getUsageMessage();

    assertThat(usage).contains("--token-file=PATH", "SURVEIL_TOKEN");
  }

  private static AuthOptions parse(Map<String, String> environment, String... args) {
    Program program = new Program(new AuthOptions(environment));
    new CommandLine(program).parseArgs(args);
    return program.auth;
  }

  private Path tokenFile(String content) throws IOException {
    Path file = Files.createTempFile(dir, "token", "");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
