package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scripts/demo}, the first command of README.md, run as a newcomer runs it. */
class DemoIT {
  @TempDir
  Path tmp;

  @Test
  void demoShowsAResultAndAFailoverAndExitsZero() throws Exception {
    Path output = tmp.resolve("demo.out");
    ProcessBuilder builder = new ProcessBuilder("bash",
        SurveilProcess.root().resolve("scripts/demo").toString())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("TMPDIR", tmp.toString());
    Process demo = builder.start();
    try {
      assertThat(demo.waitFor(170, TimeUnit.SECONDS)).as("demo finishes").isTrue();
      String printed = Files.readString(output);
      assertThat(demo.exitValue()).as(printed).isZero();
      assertThat(printed).contains("2 tests, 1 passed, 1 failed, 0 skipped", "took over",
          "3 tests, 2 passed, 1 failed, 0 skipped", "Demo passed");
    } finally {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
      demo.waitFor(30, TimeUnit.SECONDS);
    }
    try (var left = Files.list(tmp)) {
      assertThat(left).as("the demo removes its folder").extracting(Path::getFileName)
          .extracting(Path::toString).containsExactly("demo.out");
    }
  }
}
