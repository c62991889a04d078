package dev.surveil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThat(converter.convert("7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(converter.convert("PT2S")).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void formatsDurationsTheWayTheyAreRead() {
    for (String text : new String[] {"500ms", "5s", "90s", "10m", "1h", "1500ms"}) {
      assertThat(DurationConverter.format(converter.convert(text))).isEqualTo(text);
    }
  }

  @Test
  void refusesZeroNegativeAndNonsense() {
    assertThatThrownBy(() -> converter.convert("0s")).isInstanceOf(TypeConversionException.class)
        .hasMessage("'0s' is not a positive duration");
    assertThatThrownBy(() -> converter.convert("PT-1S"))
        .hasMessage("'PT-1S' is not a positive duration");
    assertThatThrownBy(() -> converter.convert("soon"))
        .hasMessage("'soon' is not a duration; write e.g. 500ms, 5s, 10m or 1h");
  }
}
