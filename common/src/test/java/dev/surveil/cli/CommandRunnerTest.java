package dev.surveil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** How every program reports a start-up failure: one line and an exit code. */
class CommandRunnerTest {
  private final StringWriter err = new StringWriter();

  /** A program with one duration option that fails as it is told. */
  @Command(name = "prog")
  static final class Prog implements Callable<Integer> {
    @Option(names = "--interval", converter = DurationConverter.class, defaultValue = "1s")
    Duration interval;

    @Option(names = "--count")
    int count;

    @Option(names = "--fail")
    String fail;

    @Override
    public Integer call() {
      if ("usage".equals(fail)) {
        throw StartupException.usage(StartupException.option("--fail", fail, "never works"));
      }
      if ("failure".equals(fail)) {
        throw StartupException.failure("the port is in use", null);
      }
      if ("other".equals(fail)) {
        throw new IllegalStateException("something broke");
      }
      return 0;
    }
  }

  private int run(String... args) {
    CommandLine cli = CommandRunner.commandLine(new Prog(), () -> false);
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void badOptionValueIsOneLineNamingOptionValueAndReasonWithExitCode2() {
    assertThat(run("--interval", "5")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo(
        "prog: --interval 5: a duration needs a unit: 5ms, 5s, 5m or 5h" + System.lineSeparator());
  }

  @Test
  void otherUsageErrorsAreOneLinePointingToHelp() {
    assertThat(run("--nonsense")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("prog: Unknown option: '--nonsense'; prog --help lists"
        + " the options" + System.lineSeparator());
  }

  @Test
  void startupExceptionsCarryTheirExitCode() {
    assertThat(run("--fail", "usage")).isEqualTo(2);
    assertThat(run("--fail", "failure")).isEqualTo(1);
    assertThat(run("--fail", "other")).isEqualTo(1);
    assertThat(err.toString().lines()).containsExactly("prog: --fail usage: never works",
        "prog: the port is in use", "prog: something broke");
  }

  @Test
  void anEmptyValueIsShownQuoted() {
    assertThat(StartupException.option("--test-command", "", "must not be empty"))
        .isEqualTo("--test-command '': must not be empty");
  }
}
