package dev.surveil.runner.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultFileTest {
  private static final TestCaseResult AWKWARD = new TestCaseResult("Odd\tName.test()\nline two",
      TestCaseResult.Status.FAILED, Duration.ofMillis(12), "message\twith tab\n  at frame\n");

  @Test
  void readsBackWhatItFormatsEvenWithTabsAndNewlines() {
    ResultFile file = ResultFile.parse(ResultFile.formatLine(AWKWARD) + "\n"
        + ResultFile.FINISHED_LINE + "\n");

    assertThat(file).isEqualTo(new ResultFile(List.of(AWKWARD), true));
  }

  @Test
  void ignoresALineCutShortByACrash() {
    String line = ResultFile.formatLine(AWKWARD);

    ResultFile file = ResultFile.parse(line + "\n" + line.substring(0, line.length() - 4));

    assertThat(file).isEqualTo(new ResultFile(List.of(AWKWARD), false));
  }

  @Test
  void ignoresLinesItDoesNotKnow() {
    ResultFile file = ResultFile.parse("something else\ntest\tPASSED\tnot-a-number\tx\ty\n");

    assertThat(file).isEqualTo(new ResultFile(List.of(), false));
  }
}
