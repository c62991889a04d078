package dev.surveil.bench.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Scenario 2's baseline: the fixture's tests run the way a developer would without Surveil, on
 * the same checkout: {@code javac} against the JUnit console launcher, then
 * {@code java -jar junit-platform-console-standalone.jar execute}, each a fresh JVM, timed.
 * Not thread-safe; one run at a time.
 */
final class DirectRun {
  /** The times of one direct run, in ms, and how many tests the launcher found. */
  record Timing(long javacMillis, long consoleMillis, int testsFound) {
    long totalMillis() {
      return javacMillis + consoleMillis;
    }
  }

  private static final Pattern TESTS_FOUND = Pattern.compile("\\[\\s*(\\d+) tests found");
  private static final long TIMEOUT_SECONDS = 120;

  private final Path consoleLauncher;
  private final Path workDir;
  private int runs;

  DirectRun(Path consoleLauncher, Path workDir) {
    this.consoleLauncher = consoleLauncher;
    this.workDir = workDir;
  }

  /** Compiles and runs the tests under {@code checkout/tests}, with it as working folder. */
  Timing run(Path checkout) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(workDir.resolve("direct-run-" + ++runs));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> javac = new ArrayList<>(List.of(tool("javac"), "-d", classes.toString(),
        "-cp", consoleLauncher.toString()));
    javac.addAll(sources(checkout.resolve("tests")));
    long start = System.nanoTime();
    String compiled = execute(javac, checkout, dir.resolve("javac.out"), 0);
    long compiledAt = System.nanoTime();
    String output = execute(List.of(tool("java"), "-jar", consoleLauncher.toString(), "execute",
        "--class-path", classes.toString(), "--scan-class-path", "--disable-banner",
        "--disable-ansi-colors", "--details=summary"), checkout, dir.resolve("console.out"), 1);
    long end = System.nanoTime();
    Matcher found = TESTS_FOUND.matcher(output);
    if (!found.find()) {
      throw new IllegalStateException("the console launcher found no tests:\n" + compiled
          + output);
    }
    return new Timing(TimeUnit.NANOSECONDS.toMillis(compiledAt - start),
        TimeUnit.NANOSECONDS.toMillis(end - compiledAt), Integer.parseInt(found.group(1)));
  }

  /**
   * Runs {@code command} and returns its output; fails unless it exits with 0 or
   * {@code otherAllowedExit} (the launcher exits 1 because the fixture has a failing test).
   */
  private static String execute(List<String> command, Path dir, Path output,
      int otherAllowedExit) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(command.get(0) + " took over " + TIMEOUT_SECONDS + " s");
      }
    } finally {
      process.destroyForcibly();
    }
    String text = Files.readString(output);
    int exit = process.exitValue();
    if (exit != 0 && exit != otherAllowedExit) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ":\n"
          + text);
    }
    return text;
  }

  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  private static List<String> sources(Path tests) throws IOException {
    try (Stream<Path> files = Files.walk(tests)) {
      return files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).sorted()
          .collect(Collectors.toList());
    }
  }
}
