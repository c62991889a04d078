package dev.surveil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

/**
 * How every program reports what stops it: a usage error is one line, the usage and exit code
 * 2; a failure to start is one line and exit code 1.
 */
class CommandRunnerTest {
  private static final String NL = System.lineSeparator();

  private final StringWriter err = new StringWriter();

  /** A program with a duration and a port option that fails as it is told. */
  @Command(name = "prog")
  static final class Prog implements Callable<Integer> {
    @Option(names = "--interval", defaultValue = "1s")
    Duration interval;

    @Option(names = "--port", converter = PortConverter.class, defaultValue = "0")
    int port;

    @Option(names = "--fail")
    String fail;

    @Mixin
    Verbosity verbosity;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      if ("usage".equals(fail)) {
        throw Usage.error(spec, "--fail", fail, "never works");
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
    CommandLine cli = CommandRunner.commandLine(new Prog());
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void badOptionValueIsOneLineNamingOptionValueAndReasonThenTheUsage() {
    assertThat(run("--interval", "5")).isEqualTo(2);

    assertThat(err.toString()).startsWith(
        "prog: --interval 5: a duration needs a unit: 5ms, 5s, 5m or 5h" + NL + "Usage: prog ");
  }

  @Test
  void otherParseErrorsAreOneLineThenTheUsage() {
    assertThat(run("--nonsense")).isEqualTo(2);

    assertThat(err.toString()).startsWith("prog: Unknown option: '--nonsense'" + NL
        + "Usage: prog ");
  }

  @Test
  void usageErrorsFoundAfterParsingAreReportedTheSameWay() {
    assertThat(run("--fail", "usage")).isEqualTo(2);

    assertThat(err.toString()).startsWith("prog: --fail usage: never works" + NL + "Usage: prog ");
  }

  @Test
  void failuresAreOneLineWithoutUsageAndExitCode1() {
    assertThat(run("--fail", "failure")).isEqualTo(1);
    assertThat(run("--fail", "other")).isEqualTo(1);

    assertThat(err.toString().lines()).containsExactly("prog: the port is in use",
        "prog: something broke");
  }

  @Test
  void verboseAddsTheStackTraceToAFailure() {
    assertThat(run("--verbose", "--fail", "other")).isEqualTo(1);

    assertThat(err.toString()).startsWith("prog: something broke" + NL
        + "java.lang.IllegalStateException: something broke" + NL + "\tat ");
  }

  @Test
  void portsAreZeroTo65535InAsciiDigits() {
    assertThat(PortConverter.parse("0")).isZero();
    assertThat(PortConverter.parse("65535")).isEqualTo(65535);
    assertThat(PortConverter.parse("08888")).isEqualTo(8888);
    for (String bad : new String[] {"65536", "-1", "+80", "", "http", "123456", "\u0663"}) {
      assertThat(run("--port", bad)).as(bad).isEqualTo(2);
    }
    assertThat(err.toString()).startsWith("prog: --port 65536: not a port; give 0 to 65535" + NL);
  }

  @Test
  void hostAndPortReadsItsPortAsThePortOptionsDo() {
    HostPortConverter converter = new HostPortConverter();

    assertThat(converter.convert("localhost:8888")).hasToString("localhost:8888");
    assertThat(converter.convert("::1:8888")).hasToString("::1:8888");
    for (String bad : new String[] {"localhost:70000", "localhost:-1", "localhost:http"}) {
      assertThatThrownBy(() -> converter.convert(bad)).as(bad)
          .isInstanceOf(TypeConversionException.class).hasMessage("not a port; give 0 to 65535");
    }
  }

  @Test
  void anEmptyValueIsShownQuoted() {
    assertThat(StartupException.option("--test-command", "", "must not be empty"))
        .isEqualTo("--test-command '': must not be empty");
  }

  @Test
  void theVersionIsTheOneTheBuildWrote() {
    String version = SurveilVersion.version();

    assertThat(version).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(System.getProperty("surveil.version", version)).isEqualTo(version);
    assertThat(new SurveilVersion().getVersion()).containsExactly("Surveil " + version);
  }
}
