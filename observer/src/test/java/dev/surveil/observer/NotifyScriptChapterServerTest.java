package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.testing.ChapterServer;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/notify}, run as a real process, against a chapter-style server: it answers
 * {@code OK} without a terminator and holds the connection open for a minute. The script must
 * take the {@code OK} as soon as it has it.
 */
class NotifyScriptChapterServerTest {
  /** The script's own limit here; "promptly" is well under it. */
  private static final int SCRIPT_TIMEOUT_SECONDS = 10;

  @TempDir
  Path dir;
  private ChapterServer observer;

  @AfterEach
  void close() {
    if (observer != null) {
      observer.close();
    }
  }

  private static Path script() {
    String root = System.getProperty("surveil.root");
    Path base = root != null ? Path.of(root) : Path.of("..");
    return base.toAbsolutePath().normalize().resolve("scripts").resolve("notify");
  }

  @Test
  void notifyTakesAnOkFromAServerThatHoldsTheConnectionOpen() throws Exception {
    observer = ChapterServer.start("chapter-observer",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        exchange -> exchange.reply("OK"));
    observer.holdRepliesOpen(Duration.ofMinutes(1), Set.of());
    File out = dir.resolve("out").toFile();
    File err = dir.resolve("err").toFile();
    ProcessBuilder builder = new ProcessBuilder("bash", script().toString(),
        "127.0.0.1:" + observer.localAddress().getPort()).redirectOutput(out).redirectError(err);
    builder.environment().keySet()
        .removeAll(List.of("SURVEIL_OBSERVER", "SURVEIL_TOKEN", "SURVEIL_TOKEN_FILE"));
    builder.environment().put("SURVEIL_NOTIFY_TIMEOUT", String.valueOf(SCRIPT_TIMEOUT_SECONDS));

    long start = System.nanoTime();
    Process process = builder.start();
    try {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("notify ended").isTrue();
    } finally {
      process.destroyForcibly();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(Files.readString(err.toPath())).isEmpty();
    assertThat(process.exitValue()).isZero();
    assertThat(Files.readString(out.toPath())).isEmpty();
    assertThat(took).as("well under its %s s timeout", SCRIPT_TIMEOUT_SECONDS)
        .isLessThan(Duration.ofSeconds(SCRIPT_TIMEOUT_SECONDS / 2));
    assertThat(observer.exchanges()).singleElement()
        .satisfies(exchange -> assertThat(exchange.text()).isEqualTo("notify"));
  }

  @Test
  void aSignedNotifyTakesAnUnsignedOkFromAManInTheMiddleAsNoAnswer() throws Exception {
    observer = ChapterServer.start("man-in-the-middle",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        exchange -> exchange.reply("OK"));
    File out = dir.resolve("out").toFile();
    File err = dir.resolve("err").toFile();
    String address = "127.0.0.1:" + observer.localAddress().getPort();
    ProcessBuilder builder = new ProcessBuilder("bash", script().toString(), address)
        .redirectOutput(out).redirectError(err);
    builder.environment().keySet()
        .removeAll(List.of("SURVEIL_OBSERVER", "SURVEIL_TOKEN", "SURVEIL_TOKEN_FILE"));
    builder.environment().put("SURVEIL_TOKEN", "the-observer-token-0123456789");

    Process process = builder.start();
    try {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("notify ended").isTrue();
    } finally {
      process.destroyForcibly();
    }

    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(Files.readString(out.toPath())).isEmpty();
    assertThat(Files.readString(err.toPath())).isEqualTo("notify: the reply 'OK' from " + address
        + " is not authenticated by the observer's secret; taken as no answer\n");
    assertThat(observer.exchanges()).singleElement()
        .satisfies(exchange -> assertThat(exchange.text()).startsWith("auth:"));
  }
}
