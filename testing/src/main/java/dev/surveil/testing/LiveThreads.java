package dev.surveil.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The threads alive at one moment, to find those started since that are still alive: the one
 * thread-leak check of every test (run by {@link ThreadCheck} after each test, and by tests that
 * check a {@code close()} by thread name). Immutable, thread-safe.
 *
 * <p>Threads that are shared on purpose, and so outlive the test that first needed them, are not
 * leaks; {@link #SHARED} lists them, each with its reason. Keep that list short.
 */
public final class LiveThreads {
  /**
   * Name prefixes of threads that may outlive a test: pools shared on purpose by the JVM or a
   * library, started by whichever test first needs them and kept for the next.
   */
  static final List<String> SHARED = List.of(
      // the JVM's common fork-join pool (parallel streams, CompletableFuture.*Async)
      "ForkJoinPool.commonPool-worker-",
      // the JVM's cleaner, started lazily by some JDK classes
      "Common-Cleaner",
      // JUnit's one watcher for junit.jupiter.execution.timeout.default, started by the first test
      "junit-jupiter-timeout-watcher",
      // JGit's daemon pools, shared by every repository in the JVM (WorkQueue,
      // FileStoreAttributeReader, FileStoreAttributeWriter)
      "JGit-");

  private final Set<Thread> before;

  private LiveThreads(Set<Thread> before) {
    this.before = before;
  }

  /** The threads alive now. */
  public static LiveThreads snapshot() {
    Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
    threads.addAll(Thread.getAllStackTraces().keySet());
    return new LiveThreads(Collections.unmodifiableSet(threads));
  }

  /** Whether {@code thread} was alive when this snapshot was taken. */
  boolean contains(Thread thread) {
    return before.contains(thread);
  }

  /**
   * The threads started since this snapshot that are still alive after waiting up to
   * {@code grace} (in all) for each to end, as {@code close()} may end threads asynchronously;
   * JVM threads and {@link #SHARED} pools are left out. Empty if none leaked.
   */
  public List<Thread> awaitStartedSinceEnded(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    List<Thread> started = Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> !before.contains(thread) && !isShared(thread))
        .collect(Collectors.toList());
    for (Thread thread : started) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(thread, left);
      }
    }
    return started.stream().filter(Thread::isAlive)
        .collect(Collectors.toCollection(ArrayList::new));
  }

  /** The names of the live threads whose name starts with {@code prefix}, e.g. "runner-". */
  public static List<String> named(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
        .map(Thread::getName)
        .collect(Collectors.toList());
  }

  /**
   * Whether the live thread named {@code name} waits (untimed or timed) inside a method named
   * {@code method}, e.g. a worker blocked in {@code takeWork} until there is work: a positive
   * sign that it has done all it will do until something changes, so that a test can then
   * check that nothing happened rather than wait a while to see nothing happen.
   */
  public static boolean waitingIn(String name, String method) {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(entry -> entry.getKey().getName().equals(name))
        .anyMatch(entry -> (entry.getKey().getState() == Thread.State.WAITING
            || entry.getKey().getState() == Thread.State.TIMED_WAITING)
            && Arrays.stream(entry.getValue())
                .anyMatch(frame -> frame.getMethodName().equals(method)));
  }

  /**
   * Waits up to {@code timeout} until no live thread's name starts with one of
   * {@code prefixes}, and fails naming those still alive.
   */
  public static void awaitNoneNamed(Duration timeout, String... prefixes) {
    await("threads named " + List.of(prefixes) + " to end").atMost(timeout).pollInSameThread()
        .until(() -> namedAny(prefixes), List::isEmpty);
  }

  private static List<String> namedAny(String... prefixes) {
    return List.of(prefixes).stream().flatMap(prefix -> named(prefix).stream())
        .collect(Collectors.toList());
  }

  private static boolean isShared(Thread thread) {
    ThreadGroup group = thread.getThreadGroup();
    // the JVM's own threads (e.g. "process reaper", "Attach Listener") are in the system group
    boolean system = group != null && group.getParent() == null;
    return system || SHARED.stream().anyMatch(thread.getName()::startsWith);
  }

  /** {@code thread}'s name, state and top frames, to show where a leaked thread is stuck. */
  static String describe(Thread thread) {
    StringBuilder text = new StringBuilder("\"").append(thread.getName()).append("\" ")
        .append(thread.isDaemon() ? "daemon " : "").append(thread.getState());
    StackTraceElement[] frames = thread.getStackTrace();
    for (int i = 0; i < Math.min(frames.length, 8); i++) {
      text.append("\n      at ").append(frames[i]);
    }
    return text.toString();
  }
}
