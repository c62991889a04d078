package dev.surveil.runner.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputTailTest {
  @TempDir Path temp;

  private static void append(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Test
  void returnsShortOutputAsItIs() throws Exception {
    OutputTail tail = new OutputTail(temp.resolve("out"), 10);
    append(tail.file(), "abc\n");

    tail.trim();

    assertThat(tail.text()).isEqualTo("abc\n");
  }

  @Test
  void keepsTheLastBytesAcrossTrimsAndSaysHowManyWereDropped() throws Exception {
    OutputTail tail = new OutputTail(temp.resolve("out"), 10);
    append(tail.file(), "0123456789abcdefghijklmnopqrstuvwxyz");
    tail.trim();
    assertThat(Files.size(tail.file())).isZero();
    append(tail.file(), "ABCD");

    assertThat(tail.text()).isEqualTo("[... 30 earlier bytes of output dropped ...]\nuvwxyzABCD");
  }

  @Test
  void leavesTheFileAloneUntilItHoldsTwiceTheLimit() throws Exception {
    OutputTail tail = new OutputTail(temp.resolve("out"), 10);
    append(tail.file(), "01234567890123456789");

    tail.trim();

    assertThat(Files.size(tail.file())).isEqualTo(20);
    assertThat(tail.text()).isEqualTo("[... 10 earlier bytes of output dropped ...]\n0123456789");
  }

  @Test
  void readsNothingFromAMissingFile() throws Exception {
    OutputTail tail = new OutputTail(temp.resolve("never-written"), 10);

    assertThat(tail.text()).isEmpty();
  }
}
