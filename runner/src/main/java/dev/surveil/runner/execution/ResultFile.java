package dev.surveil.runner.execution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What the test JVM wrote to its results file: the tests that finished and whether the whole run
 * did. The file holds one line per finished test, {@code test<TAB>STATUS<TAB>nanos<TAB>name
 * <TAB>failure} with name and failure in Base64 (so tabs and newlines in them are harmless), and
 * a last line {@code finished} once the run is over. A line cut short by a crash (no newline) is
 * ignored.
 * Immutable.
 *
 * @param tests the finished tests, in the order they finished
 * @param finished whether the test JVM got to the end of the run
 */
record ResultFile(List<TestCaseResult> tests, boolean finished) {
  /** The last line of a complete run. */
  static final String FINISHED_LINE = "finished";

  private static final String TEST_TAG = "test";

  ResultFile {
    tests = List.copyOf(tests);
  }

  /** One test's line, without the line terminator. */
  static String formatLine(TestCaseResult test) {
    Base64.Encoder base64 = Base64.getEncoder();
    return String.join("\t", TEST_TAG, test.status().name(),
        Long.toString(test.duration().toNanos()),
        base64.encodeToString(test.name().getBytes(StandardCharsets.UTF_8)),
        base64.encodeToString(test.failure().getBytes(StandardCharsets.UTF_8)));
  }

  static ResultFile read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new ResultFile(List.of(), false);
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Parses the file's content; text after the last newline is a line cut short, and ignored. */
  static ResultFile parse(String content) {
    List<TestCaseResult> tests = new ArrayList<>();
    boolean finished = false;
    String[] lines = content.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      if (line.equals(FINISHED_LINE)) {
        finished = true;
      } else {
        TestCaseResult test = parseLine(line);
        if (test != null) {
          tests.add(test);
        }
      }
    }
    return new ResultFile(tests, finished);
  }

  private static TestCaseResult parseLine(String line) {
    String[] fields = line.split("\t", -1);
    if (fields.length != 5 || !fields[0].equals(TEST_TAG)) {
      return null;
    }
    try {
      Base64.Decoder base64 = Base64.getDecoder();
      return new TestCaseResult(
          new String(base64.decode(fields[3]), StandardCharsets.UTF_8),
          TestCaseResult.Status.valueOf(fields[1]),
          Duration.ofNanos(Long.parseLong(fields[2])),
          new String(base64.decode(fields[4]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return null; // cut short by a crash, or not ours
    }
  }
}
