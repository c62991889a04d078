package dev.surveil.runner.execution;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Runs in the test JVM: listens to the JUnit Platform and appends one {@link ResultFile} line per
 * finished test, written unbuffered so that the lines survive a crash of the JVM. A container
 * that fails (e.g. in {@code @BeforeAll}) is reported as one failed test named after it; the
 * tests of a skipped or aborted container are reported as skipped. Thread-safe: JUnit may report
 * from several threads when tests run in parallel.
 */
final class ResultFileWriter implements TestExecutionListener, Closeable {
  private final OutputStream out;
  private final Map<String, Long> startNanos = new HashMap<>();
  private final Set<String> reported = new HashSet<>();
  private TestPlan plan;

  ResultFileWriter(Path file) throws IOException {
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Override
  public synchronized void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
  }

  @Override
  public synchronized void executionStarted(TestIdentifier test) {
    startNanos.put(test.getUniqueId(), System.nanoTime());
  }

  @Override
  public synchronized void executionSkipped(TestIdentifier test, String reason) {
    skipTests(test, reason == null ? "" : reason);
  }

  @Override
  public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
    Long start = startNanos.remove(test.getUniqueId());
    Duration duration = Duration.ofNanos(start == null ? 0 : System.nanoTime() - start);
    switch (result.getStatus()) {
      case SUCCESSFUL:
        if (test.isTest()) {
          write(test, TestCaseResult.Status.PASSED, duration, "");
        }
        break;
      case ABORTED:
        skipTests(test, "aborted: " + result.getThrowable().map(Throwable::getMessage).orElse(""));
        break;
      default:
        String failure = result.getThrowable().map(FailureFormat::format)
            .orElse("failed without an exception\n");
        write(test, TestCaseResult.Status.FAILED, duration, failure);
        break;
    }
  }

  /** Marks the end of the run: the last line of the file. */
  synchronized void finish() throws IOException {
    out.write((ResultFile.FINISHED_LINE + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  private void skipTests(TestIdentifier test, String reason) {
    if (test.isTest()) {
      write(test, TestCaseResult.Status.SKIPPED, Duration.ZERO, reason);
      return;
    }
    for (TestIdentifier descendant : plan.getDescendants(test)) {
      if (descendant.isTest()) {
        write(descendant, TestCaseResult.Status.SKIPPED, Duration.ZERO, reason);
      }
    }
  }

  private void write(TestIdentifier test, TestCaseResult.Status status, Duration duration,
      String failure) {
    if (!reported.add(test.getUniqueId())) {
      return;
    }
    TestCaseResult result = new TestCaseResult(nameOf(test), status, duration, failure);
    try {
      out.write((ResultFile.formatLine(result) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the results file", e);
    }
  }

  /**
   * {@code Class.method(Type)} for a test method; a repeated, parameterized or dynamic test adds
   * its display name to the name of the method or container it belongs to.
   */
  private String nameOf(TestIdentifier test) {
    Optional<TestSource> source = test.getSource();
    Optional<TestIdentifier> parent = plan == null ? Optional.empty() : plan.getParent(test);
    if (source.isPresent() && source.get() instanceof MethodSource) {
      boolean invocation = parent.flatMap(TestIdentifier::getSource)
          .filter(parentSource -> parentSource instanceof MethodSource).isPresent();
      if (!invocation) {
        MethodSource method = (MethodSource) source.get();
        return method.getClassName() + "." + method.getMethodName() + "("
            + simpleTypeNames(method.getMethodParameterTypes()) + ")";
      }
    } else if (source.isPresent() && source.get() instanceof ClassSource) {
      return ((ClassSource) source.get()).getClassName();
    }
    boolean underEngine = parent.flatMap(plan::getParent).isPresent();
    return underEngine ? nameOf(parent.get()) + " " + test.getDisplayName()
        : test.getDisplayName();
  }

  private static String simpleTypeNames(String types) {
    if (types == null || types.isBlank()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String type : types.split(",")) {
      String name = type.trim();
      out.append(out.length() == 0 ? "" : ", ").append(name.substring(name.lastIndexOf('.') + 1));
    }
    return out.toString();
  }
}
