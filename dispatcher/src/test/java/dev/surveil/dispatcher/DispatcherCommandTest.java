package dev.surveil.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.cli.CommandRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The dispatcher's command line, run in process. */
class DispatcherCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    DispatcherCommand command = new DispatcherCommand();
    CommandLine cli = CommandRunner.commandLine(command, () -> false);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void helpListsEveryOptionAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--host", "--port", "--results-dir",
        "--heartbeat-interval", "--heartbeat-timeout", "--token-file", "--verbose", "--quiet",
        "--version");
  }

  @Test
  void refusesAPortOutOfRange() {
    assertThat(run("--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).startsWith("--port must be between 0 and 65535, not 70000");
  }

  @Test
  void refusesAZeroHeartbeatTimeout() {
    assertThat(run("--heartbeat-timeout", "0s")).isEqualTo(2);
    assertThat(err.toString()).contains("'0s' is not a positive duration");
  }

  @TempDir
  Path results;

  @Test
  void saysInOneLineThatThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int code = run("--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()),
          "--results-dir", results.toString());
      assertThat(code).isEqualTo(1);
      assertThat(err.toString().strip()).startsWith("dispatcher: cannot listen on 127.0.0.1:")
          .contains("is another dispatcher running? Use --port to pick another")
          .doesNotContain("\n");
    }
  }

  @Test
  void saysInOneLineThatTheTokenFileIsMissing() {
    Path missing = results.resolve("no-such-token");
    int code = run("--host", "127.0.0.1", "--port", "0", "--results-dir", results.toString(),
        "--token-file", missing.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip()).contains(missing.toString()).doesNotContain("\n");
  }
}
