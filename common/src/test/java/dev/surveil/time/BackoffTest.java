package dev.surveil.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static List<Long> nextMillis(Backoff backoff, int count) {
    return Stream.generate(backoff::next).limit(count).map(Duration::toMillis).toList();
  }

  @Test
  void doublesFromTheFirstDelayUpToTheCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    assertThat(nextMillis(backoff, 8))
        .containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L);
  }

  @Test
  void resetStartsAgainFromTheFirstDelay() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    nextMillis(backoff, 4);

    backoff.reset();

    assertThat(nextMillis(backoff, 2)).containsExactly(100L, 200L);
  }

  @Test
  void aCapBelowTheFirstDelayIsEveryDelay() {
    assertThat(nextMillis(new Backoff(Duration.ofMillis(100), Duration.ofMillis(30)), 3))
        .containsExactly(30L, 30L, 30L);
  }

  @Test
  void aHugeCapDoesNotOverflow() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofDays(365L * 1000));

    List<Long> delays = nextMillis(backoff, 80);

    assertThat(delays).isSorted().allMatch(millis -> millis > 0);
  }

  @Test
  void refusesANonPositiveDelay() {
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(100), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cap=PT0S");
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first=");
  }
}
