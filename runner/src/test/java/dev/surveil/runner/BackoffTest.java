package dev.surveil.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromOneHundredMillisecondsToFiveSecondsAndStartsOverOnReset() {
    Backoff backoff = Backoff.standard();

    for (long expected : new long[] {100, 200, 400, 800, 1600, 3200, 5000, 5000}) {
      assertThat(backoff.next()).isEqualTo(Duration.ofMillis(expected));
    }
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void refusesACapBelowTheFirstDelay() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first=PT2S");
  }
}
