package dev.surveil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.time.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void readsDurationsAsPeopleWriteThem() {
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(converter.convert("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("PT2S")).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void formatsDurationsTheWayTheyAreRead() {
    for (String text : new String[] {"500ms", "5s", "90s", "10m", "1h", "1500ms"}) {
      assertThat(Durations.format(converter.convert(text))).isEqualTo(text);
    }
  }

  @Test
  void refusesZeroNegativeAndNonsense() {
    assertThatThrownBy(() -> converter.convert("0s")).isInstanceOf(TypeConversionException.class)
        .hasMessage("not a positive duration; write e.g. 500ms, 5s, 10m or 1h");
    assertThatThrownBy(() -> converter.convert("PT-1S"))
        .hasMessage("not a positive duration; write e.g. 500ms, 5s, 10m or 1h");
    assertThatThrownBy(() -> converter.convert("soon"))
        .hasMessage("not a duration; write e.g. 500ms, 5s, 10m or 1h");
  }

  @Test
  void refusesANumberWithoutAUnit() {
    // one reader takes --heartbeat-interval 5 for seconds, another for milliseconds
    assertThatThrownBy(() -> converter.convert("5")).isInstanceOf(TypeConversionException.class)
        .hasMessage("a duration needs a unit: 5ms, 5s, 5m or 5h");
  }
}
