package dev.surveil.bench.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LogLineTest {
  private static final ZoneId UTC = ZoneOffset.UTC;

  @Test
  void parsesALineWithACommit() {
    long seen = millis(2026, 11, 22, 22, 57, 23);
    String line = "22:57:22.767 INFO  dispatcher [dispatcher-redistributor] commit=0de27fb3"
        + " dispatched commit 0de27fb3 to runner 127.0.0.1:40001";

    LogLine parsed = LogLine.parse(line, seen, UTC).orElseThrow();

    assertThat(parsed.epochMillis()).isEqualTo(millis(2026, 11, 22, 22, 57, 22) + 767);
    assertThat(parsed.level()).isEqualTo("INFO");
    assertThat(parsed.component()).isEqualTo("dispatcher");
    assertThat(parsed.message()).isEqualTo("dispatched commit 0de27fb3 to runner 127.0.0.1:40001");
  }

  @Test
  void parsesALineWithoutACommitWhoseThreadNameHasASpace() {
    String line = "09:00:01.002 WARN  runner [runner-conn /127.0.0.1:5312] peer sent garbage";

    LogLine parsed = LogLine.parse(line, millis(2026, 1, 2, 9, 0, 1), UTC).orElseThrow();

    assertThat(parsed.level()).isEqualTo("WARN");
    assertThat(parsed.message()).isEqualTo("peer sent garbage");
  }

  @Test
  void ignoresALineOutsideTheLogPattern() {
    assertThat(LogLine.parse("\tat dev.surveil.Foo.bar(Foo.java:12)", 0, UTC)).isEmpty();
    assertThat(LogLine.parse("Unknown option: '--notify-port'", 0, UTC)).isEmpty();
  }

  @Test
  void datesALineLoggedBeforeMidnightButReadAfterToThePreviousDay() {
    String line = "23:59:59.900 INFO  runner [runner-test] started testing commit abcd";

    LogLine parsed = LogLine.parse(line, millis(2026, 1, 3, 0, 0, 0) + 100, UTC).orElseThrow();

    assertThat(parsed.epochMillis()).isEqualTo(millis(2026, 1, 2, 23, 59, 59) + 900);
  }

  private static long millis(int year, int month, int day, int hour, int minute, int second) {
    return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC)
        .toEpochMilli();
  }
}
