package dev.surveil.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link ChapterRequest}: the chapter's regular expressions, on strings. */
class ChapterRequestTest {

  @Test
  void commandWithoutArgumentHasNone() {
    assertThat(ChapterRequest.parse("status"))
        .contains(new ChapterRequest("status", Optional.empty()));
  }

  @Test
  void argumentIsTheRestOfTheFirstLineAfterTheColon() {
    assertThat(ChapterRequest.parse("results:abc:7:one:two\nthree"))
        .contains(new ChapterRequest("results", Optional.of("abc:7:one:two")));
  }

  @Test
  void textThatDoesNotStartWithAWordIsNoRequest() {
    assertThat(ChapterRequest.parse("")).isEmpty();
    assertThat(ChapterRequest.parse(":status")).isEmpty();
    assertThat(ChapterRequest.parse(" status")).isEmpty();
  }

  @Test
  void onlyTheStartMustMatch() {
    assertThat(ChapterRequest.parse("hello there"))
        .contains(new ChapterRequest("hello", Optional.empty()));
    assertThat(ChapterRequest.commandOf("status:extra")).isEqualTo("status");
  }

  @Test
  void registerFieldsLoseEverythingAfterTheFirstNonWordCharacter() {
    assertThat(ChapterRequest.parse("register:localhost:8900").orElseThrow().wordFields())
        .containsExactly("localhost", "8900");
    assertThat(ChapterRequest.parse("register:127.0.0.1:8900").orElseThrow().wordFields())
        .containsExactly("127", "8900");
  }

  @Test
  void stripDropsPythonWhitespaceAtBothEndsOnly() {
    assertThat(ChapterRequest.strip(" \t\r\n\u000b\u000cping \n x\n")).isEqualTo("ping \n x");
    assertThat(ChapterRequest.strip("\n\n")).isEmpty();
  }
}
