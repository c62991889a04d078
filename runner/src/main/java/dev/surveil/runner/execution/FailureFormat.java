package dev.surveil.runner.execution;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Formats a test's exception as the text of a report: each exception of the cause chain with its
 * message and the stack frames that belong to the test, not to the assertion library or JUnit.
 * Stateless and thread-safe.
 */
final class FailureFormat {
  static final int MAX_FRAMES = 10;
  static final int MAX_MESSAGE_CHARS = 4000;
  private static final int MAX_CAUSES = 5;
  private static final int FALLBACK_FRAMES = 5;

  /** Frames at the top of a trace that belong to the assertion, not to the test. */
  private static final List<String> ASSERTION_PREFIXES = List.of(
      "org.junit.jupiter.api.", "org.opentest4j.", "org.assertj.", "org.hamcrest.",
      "org.junit.Assert", "junit.framework.");

  /** The first frame of the machinery that called the test; the trace is cut there. */
  private static final List<String> INTERNAL_PREFIXES = List.of(
      "jdk.internal.reflect.", "java.lang.reflect.", "sun.reflect.", "org.junit.platform.",
      "org.junit.jupiter.engine.");

  private FailureFormat() {}

  /** The exception and its causes, each with a trimmed stack trace; lines end in "\n". */
  static String format(Throwable failure) {
    StringBuilder out = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable current = failure;
    for (int depth = 0; current != null && seen.add(current); depth++) {
      if (depth == MAX_CAUSES) {
        out.append("Caused by: ...\n");
        break;
      }
      out.append(depth == 0 ? "" : "Caused by: ").append(headline(current)).append('\n');
      appendFrames(out, current.getStackTrace());
      current = current.getCause();
    }
    return out.toString();
  }

  private static String headline(Throwable failure) {
    String text = failure.toString();
    if (text.length() > MAX_MESSAGE_CHARS) {
      return text.substring(0, MAX_MESSAGE_CHARS) + "... (" + (text.length() - MAX_MESSAGE_CHARS)
          + " more characters)";
    }
    return text;
  }

  private static void appendFrames(StringBuilder out, StackTraceElement[] frames) {
    int first = 0;
    while (first < frames.length && startsWithAny(frames[first], ASSERTION_PREFIXES)) {
      first++;
    }
    int end = first;
    while (end < frames.length && end - first < MAX_FRAMES
        && !startsWithAny(frames[end], INTERNAL_PREFIXES)) {
      end++;
    }
    if (end == first) {
      // Nothing of the test's own: thrown by JUnit or the library itself, show where.
      first = 0;
      end = Math.min(frames.length, FALLBACK_FRAMES);
    }
    for (int i = first; i < end; i++) {
      out.append("    at ").append(frames[i]).append('\n');
    }
    if (end < frames.length) {
      out.append("    ... ").append(frames.length - end).append(" more\n");
    }
  }

  private static boolean startsWithAny(StackTraceElement frame, List<String> prefixes) {
    String className = frame.getClassName();
    for (String prefix : prefixes) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
