package dev.surveil.runner.execution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureFormatTest {
  private static StackTraceElement frame(String className, String method) {
    return new StackTraceElement(className, method, className + ".java", 10);
  }

  @Test
  void keepsTheTestsFramesBetweenTheAssertionAndJUnit() {
    AssertionError error = new AssertionError("expected 3");
    error.setStackTrace(new StackTraceElement[] {
        frame("org.junit.jupiter.api.AssertionUtils", "fail"),
        frame("org.junit.jupiter.api.Assertions", "assertEquals"),
        frame("com.example.CalcTest", "check"),
        frame("com.example.CalcTest", "adds"),
        frame("jdk.internal.reflect.NativeMethodAccessorImpl", "invoke0"),
        frame("org.junit.platform.commons.util.ReflectionUtils", "invokeMethod")});

    assertThat(FailureFormat.format(error)).isEqualTo("""
        java.lang.AssertionError: expected 3
            at com.example.CalcTest.check(com.example.CalcTest.java:10)
            at com.example.CalcTest.adds(com.example.CalcTest.java:10)
            ... 2 more
        """);
  }

  @Test
  void showsAtMostTenFramesAndTheCauses() {
    StackTraceElement[] deep = new StackTraceElement[15];
    for (int i = 0; i < deep.length; i++) {
      deep[i] = frame("com.example.Deep", "level" + i);
    }
    IllegalStateException cause = new IllegalStateException("root cause");
    cause.setStackTrace(new StackTraceElement[] {frame("com.example.Db", "connect")});
    RuntimeException failure = new RuntimeException("wrapper", cause);
    failure.setStackTrace(deep);

    String text = FailureFormat.format(failure);

    assertThat(text.lines()).hasSize(1 + FailureFormat.MAX_FRAMES + 1 + 2)
        .contains("    ... 5 more", "Caused by: java.lang.IllegalStateException: root cause",
            "    at com.example.Db.connect(com.example.Db.java:10)");
  }

  @Test
  void showsTheTopFramesWhenNoneBelongsToTheTest() {
    RuntimeException failure = new RuntimeException("inside JUnit");
    failure.setStackTrace(new StackTraceElement[] {
        frame("org.junit.platform.engine.Something", "run")});

    assertThat(FailureFormat.format(failure)).isEqualTo("""
        java.lang.RuntimeException: inside JUnit
            at org.junit.platform.engine.Something.run(org.junit.platform.engine.Something.java:10)
        """);
  }

  @Test
  void cutsAVeryLongMessage() {
    String text = FailureFormat.format(new AssertionError("x".repeat(10_000)));

    assertThat(text.lines().findFirst().orElseThrow())
        .hasSizeLessThan(FailureFormat.MAX_MESSAGE_CHARS + 50)
        .endsWith("more characters)");
  }
}
