package dev.surveil.bench.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CpuTimeTest {
  @Test
  void addsUserAndSystemTicksAfterACommandNameWithSpaces() {
    String stat = "4242 (java main) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 37 0 0 20 0 30 0"
        + " 1000 9000000 40000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    assertThat(CpuTime.parseStat(stat)).isEqualTo(2_870);
  }

  @Test
  void readsTheCpuTimeOfThisJvm() {
    assumeThat(Files.exists(Path.of("/proc/self/stat"))).isTrue();

    assertThat(CpuTime.millis(ProcessHandle.current().pid())).isPresent();
  }
}
