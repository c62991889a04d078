package dev.surveil.runner.execution;

import dev.surveil.protocol.CommitId;
import dev.surveil.time.Durations;
import dev.surveil.time.Ticker;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the JUnit 5 tests whose sources are under {@code tests/} in a checkout: compiles them in
 * this JVM against the JUnit the runner ships, then runs them in a child JVM ({@link TestJvmMain})
 * so that a test which exits, hangs or leaks threads cannot harm the runner. The child is killed
 * after the timeout. All files go to a temporary folder outside the checkout, deleted after
 * each run. Thread-safe: runs share nothing.
 */
public final class JUnitSourceExecutor implements TestExecutor {
  /** Flags for a test JVM that starts fast; tests are short-lived, peak speed matters less. */
  static final List<String> JVM_FLAGS = List.of(
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData");
  static final int OUTPUT_LIMIT = 1024 * 1024;
  static final int CRASH_OUTPUT_LINES = 40;

  private static final Logger log = LoggerFactory.getLogger(JUnitSourceExecutor.class);

  private final Duration timeout;
  private final Path tempRoot;

  /** {@code timeout} bounds the test JVM's run (compiling comes on top of it). */
  public JUnitSourceExecutor(Duration timeout) {
    this(timeout, null);
  }

  /** Puts its temporary folders in {@code tempRoot} (null: the system's temporary folder). */
  public JUnitSourceExecutor(Duration timeout, Path tempRoot) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.timeout = timeout;
    this.tempRoot = tempRoot;
  }

  @Override
  public TestRunSummary run(Path checkout, CommitId commit) throws InterruptedException {
    long start = Ticker.SYSTEM.read();
    Path root = checkout.toAbsolutePath().normalize();
    Path tests = root.resolve("tests");
    if (!Files.isDirectory(tests)) {
      return TestRunSummary.error(commit, "nothing to test: the commit has no tests/ folder",
          since(start));
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      return TestRunSummary.error(commit, "this runner needs a JDK, not a JRE: no Java compiler in "
          + System.getProperty("java.home"), since(start));
    }
    try {
      List<Path> sources = javaSources(tests);
      if (sources.isEmpty()) {
        return TestRunSummary.error(commit, "nothing to test: tests/ holds no .java files",
            since(start));
      }
      try (WorkFolder work = WorkFolder.create(tempRoot, "surveil-junit-")) {
        return compileAndRun(root, commit, new TestSourceCompiler(compiler), sources, work, start);
      }
    } catch (IOException | RuntimeException e) { // RuntimeException: e.g. the compiler crashed
      log.warn("test run failed commit={} checkout={}", commit, root, e);
      return TestRunSummary.error(commit, "the runner could not run the tests: " + e,
          since(start));
    }
  }

  private TestRunSummary compileAndRun(Path checkout, CommitId commit,
      TestSourceCompiler compiler, List<Path> sources, WorkFolder work, long start)
      throws IOException, InterruptedException {
    Path classes = Files.createDirectory(work.resolve("classes"));
    List<Path> classpath = TestClasspath.entries();
    List<String> errors = compiler.compile(checkout, sources, classpath, classes);
    log.debug("compiled tests commit={} sources={} errors={} millis={}", commit, sources.size(),
        errors.size(), since(start).toMillis());
    if (!errors.isEmpty()) {
      return new TestRunSummary(commit, Outcome.COMPILE_ERROR, List.of(),
          "the tests do not compile:\n" + String.join("\n", errors), since(start));
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted while compiling the tests of " + commit);
    }
    Path results = work.resolve("results");
    OutputTail output = new OutputTail(work.resolve("output"), OUTPUT_LIMIT);
    ProcessBuilder builder = new ProcessBuilder(testJvmCommand(classes, classpath, results))
        .directory(checkout.toFile());
    ChildProcess.Ending ending = ChildProcess.run(builder, output, timeout);
    ResultFile finished = ResultFile.read(results);
    log.debug("test JVM ended commit={} timedOut={} exitCode={} finished={} tests={} millis={}",
        commit, ending.timedOut(), ending.exitCode(), finished.finished(),
        finished.tests().size(), since(start).toMillis());
    return summarize(commit, ending, finished, output, start);
  }

  private TestRunSummary summarize(CommitId commit, ChildProcess.Ending ending,
      ResultFile results, OutputTail output, long start) throws IOException {
    List<TestCaseResult> tests = results.tests();
    if (ending.timedOut()) {
      return new TestRunSummary(commit, Outcome.TIMED_OUT, tests,
          "the test JVM was killed after " + Durations.format(timeout) + ", when "
              + tests.size() + " tests had finished; its last output:\n" + tail(output),
          since(start));
    }
    if (!results.finished()) {
      return new TestRunSummary(commit, Outcome.CRASHED, tests,
          "the test JVM exited with code " + ending.exitCode() + " before the tests finished"
              + " (did a test call System.exit?); its last output:\n" + tail(output),
          since(start));
    }
    if (tests.isEmpty()) {
      return TestRunSummary.error(commit,
          "nothing to test: tests/ compiled but holds no JUnit 5 tests", since(start));
    }
    boolean failed = tests.stream().anyMatch(t -> t.status() == TestCaseResult.Status.FAILED);
    return new TestRunSummary(commit, failed ? Outcome.FAILED : Outcome.PASSED, tests, "",
        since(start));
  }

  private static String tail(OutputTail output) throws IOException {
    return ReportFormat.lastLines(output.text(), CRASH_OUTPUT_LINES);
  }

  /** The command line of the test JVM. */
  static List<String> testJvmCommand(Path classes, List<Path> classpath, Path results) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.add("-cp");
    command.add(Stream.concat(Stream.of(classes), classpath.stream()).map(Path::toString)
        .collect(Collectors.joining(File.pathSeparator)));
    command.add(TestJvmMain.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(classes.toString());
    command.add(results.toString());
    return command;
  }

  private static List<Path> javaSources(Path tests) throws IOException {
    try (Stream<Path> files = Files.walk(tests)) {
      return files.filter(file -> file.toString().endsWith(".java") && Files.isRegularFile(file))
          .sorted().collect(Collectors.toList());
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(Ticker.SYSTEM.read() - start);
  }
}
