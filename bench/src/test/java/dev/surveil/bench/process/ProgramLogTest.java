package dev.surveil.bench.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProgramLogTest {
  private static final String QUEUED = "10:00:00.100 INFO  dispatcher [conn] queued commit abcd";
  private static final String STORED = "10:00:01.250 INFO  dispatcher [conn] stored result for"
      + " commit abcd from runner 127.0.0.1:1 in /tmp/r/abcd";

  private final ProgramLog log = new ProgramLog("dispatcher", ZoneOffset.UTC);
  private Thread writer;

  @AfterEach
  void joinWriter() throws InterruptedException {
    if (writer != null) {
      writer.join(10_000);
      assertThat(writer.isAlive()).isFalse();
    }
  }

  @Test
  void returnsALineLoggedEarlierWithItsGroups() throws InterruptedException {
    log.append(QUEUED, 36_000_000);
    log.append(STORED, 36_001_000);

    LogMatch match = log.await(Pattern.compile("^stored result for commit (\\w+) "), 0,
        Duration.ofSeconds(10));

    assertThat(match.index()).isEqualTo(1);
    assertThat(match.group(1)).isEqualTo("abcd");
    assertThat(match.epochMillis()).isEqualTo(36_001_250);
  }

  @Test
  void wakesUpWhenTheLineArrives() throws InterruptedException {
    writer = new Thread(() -> log.append(STORED, 36_001_000));
    writer.start();

    LogMatch match = log.await(Pattern.compile("^stored result"), 0, Duration.ofSeconds(10));

    assertThat(match.line().message()).startsWith("stored result for commit abcd");
  }

  @Test
  void looksOnlyAtLinesFromTheMarkOn() {
    log.append(QUEUED, 36_000_000);

    assertThat(log.find(Pattern.compile("queued"), 1)).isEmpty();
    assertThat(log.find(Pattern.compile("queued"), 0)).isPresent();
    assertThat(log.size()).isEqualTo(1);
  }

  @Test
  void failsWithTheLastLinesWhenTheProgramEndsFirst() {
    log.append("Unknown option: '--notify-port'", 0);
    log.end("its output closed");

    assertThatThrownBy(() -> log.await(Pattern.compile("observing"), 0, Duration.ofSeconds(10)))
        .isInstanceOf(ProgramException.class)
        .hasMessageContaining("dispatcher ended (its output closed) before logging /observing/")
        .hasMessageEndingWith("Unknown option: '--notify-port'");
  }

  @Test
  void failsWhenNoMatchingLineComesInTime() {
    log.append(QUEUED, 36_000_000);

    assertThatThrownBy(() -> log.await(Pattern.compile("stored"), 0, Duration.ofMillis(20)))
        .isInstanceOf(ProgramException.class)
        .hasMessageContaining("did not log /stored/ within 20 ms");
  }

  @Test
  void countsMatchingLines() {
    log.append(QUEUED, 36_000_000);
    log.append(QUEUED, 36_000_000);
    log.append(STORED, 36_001_000);

    assertThat(log.count(Pattern.compile("^queued"))).isEqualTo(2);
  }
}
