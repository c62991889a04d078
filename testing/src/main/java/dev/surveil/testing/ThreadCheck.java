package dev.surveil.testing;

import dev.surveil.time.Durations;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Fails a test when a thread it started died from an uncaught exception, or is still alive
 * {@linkplain #GRACE a few seconds} after the test and its {@code @AfterEach} methods ended; the
 * same for a test class and the threads its {@code @BeforeAll} started. Threads alive before
 * are not the test's; pools shared on purpose are listed in {@link LiveThreads#SHARED}. A test
 * that kills a thread on purpose says so with {@link ExpectsThreadDeath}.
 *
 * <p>Registered for every test of a module by
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in its
 * {@code junit-platform.properties}, through this module's
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}. Assumes tests run one at
 * a time in a JVM (JUnit's default). Thread-safe.
 */
public final class ThreadCheck
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  /** How long threads get to end after the test, as a {@code close()} may end them later. */
  public static final Duration GRACE = Duration.ofSeconds(5);
  /**
   * The configuration parameter that sets another grace, in milliseconds: for this extension's
   * own tests, which would otherwise wait it out for every leak they show.
   */
  public static final String GRACE_PARAMETER = "surveil.threadcheck.grace.millis";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ThreadCheck.class);
  /** Leaked threads already failed a test: the enclosing class is not failed for them again. */
  private static final Set<Thread> reported = Collections.newSetFromMap(new WeakHashMap<>());

  @Override
  public void beforeAll(ExtensionContext context) {
    start(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start(context);
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    check(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    check(context);
  }

  private static void start(ExtensionContext context) {
    ThreadDeaths.watch();
    context.getStore(NAMESPACE).put(Mark.class, new Mark(LiveThreads.snapshot(),
        ThreadDeaths.count()));
  }

  private static void check(ExtensionContext context) throws InterruptedException {
    Mark mark = context.getStore(NAMESPACE).remove(Mark.class, Mark.class);
    if (mark == null) {
      return;
    }
    List<ThreadDeaths.Death> deaths =
        ThreadDeaths.takeSince(mark.deaths, thread -> !mark.threads.contains(thread));
    boolean expected = context.getElement()
        .flatMap(element -> AnnotationSupport.findAnnotation(element, ExpectsThreadDeath.class))
        .or(() -> context.getTestClass().flatMap(type ->
            AnnotationSupport.findAnnotation(type, ExpectsThreadDeath.class)))
        .isPresent();
    Duration grace = context.getConfigurationParameter(GRACE_PARAMETER)
        .map(millis -> Duration.ofMillis(Long.parseLong(millis))).orElse(GRACE);
    List<Thread> leaked = mark.threads.awaitStartedSinceEnded(grace);
    synchronized (reported) {
      leaked.removeIf(thread -> !reported.add(thread));
    }
    AssertionError failure = null;
    if (!deaths.isEmpty() && !expected) {
      failure = new AssertionError(deaths.stream()
          .map(death -> "thread \"" + death.thread.getName() + "\" died of " + death.cause)
          .collect(Collectors.joining("; ", "", " (see the causes below)")));
      for (ThreadDeaths.Death death : deaths) {
        failure.addSuppressed(death.cause);
      }
    }
    if (!leaked.isEmpty()) {
      AssertionError leak = new AssertionError(leaked.size() + " thread(s) started by "
          + context.getDisplayName() + " still alive " + Durations.format(grace) + " after it: "
          + leaked.stream().map(LiveThreads::describe).collect(Collectors.joining("\n    ",
              "\n    ", "")));
      if (failure == null) {
        failure = leak;
      } else {
        failure.addSuppressed(leak);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** What a test or class started with: the live threads and the deaths so far. */
  private record Mark(LiveThreads threads, int deaths) {}
}
