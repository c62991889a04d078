package dev.surveil.bench.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {
  @Test
  void readsVmRssInMebibytes() {
    String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  174080 kB\nThreads:\t27\n";

    assertThat(ResidentMemory.parseStatus(status)).hasValue(170.0);
  }

  @Test
  void readsVmHwmTheHighWaterMark() {
    String status = "VmHWM:\t  307200 kB\nVmRSS:\t  174080 kB\n";

    assertThat(ResidentMemory.parseStatus(status, "VmHWM")).hasValue(300.0);
  }

  @Test
  void hasNoValueWithoutAVmRssLine() {
    assertThat(ResidentMemory.parseStatus("Name:\tkthreadd\nState:\tS (sleeping)\n")).isEmpty();
  }

  @Test
  void readsTheRssOfThisJvm() {
    assumeThat(Files.exists(Path.of("/proc/self/status"))).isTrue();

    assertThat(ResidentMemory.mebibytes(ProcessHandle.current().pid()).orElseThrow())
        .isGreaterThan(1.0);
    assertThat(ResidentMemory.peakMebibytes(ProcessHandle.current().pid()).orElseThrow())
        .isGreaterThanOrEqualTo(1.0);
  }
}
