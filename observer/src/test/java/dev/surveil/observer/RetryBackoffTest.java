package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The delays between retries while the dispatcher is down. */
class RetryBackoffTest {
  private static List<Long> nextMillis(RetryBackoff backoff, int count) {
    return Stream.generate(backoff::next).limit(count).map(Duration::toMillis).toList();
  }

  @Test
  void startsAt100msAndDoublesUpToThePollInterval() {
    RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1));

    assertThat(nextMillis(backoff, 7)).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L,
        1000L);
  }

  @Test
  void resetStartsAgainFrom100ms() {
    RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(5));
    nextMillis(backoff, 4);

    backoff.reset();

    assertThat(nextMillis(backoff, 2)).containsExactly(100L, 200L);
  }

  @Test
  void pollIntervalShorterThan100msIsEveryDelay() {
    assertThat(nextMillis(new RetryBackoff(Duration.ofMillis(30)), 3))
        .containsExactly(30L, 30L, 30L);
  }

  @Test
  void hugeIntervalDoesNotOverflow() {
    RetryBackoff backoff = new RetryBackoff(Duration.ofDays(365L * 1000));

    List<Long> delays = nextMillis(backoff, 80);

    assertThat(delays).isSorted().allMatch(millis -> millis > 0);
  }

  @Test
  void refusesANonPositiveCap() {
    assertThatThrownBy(() -> new RetryBackoff(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
  }
}
