package dev.surveil.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class CloserTest {
  private final List<String> closed = new ArrayList<>();
  private final Closer closer = new Closer();

  private AutoCloseable named(String name) {
    return () -> closed.add(name);
  }

  private AutoCloseable failing(String name, Exception failure) {
    return () -> {
      closed.add(name);
      throw failure;
    };
  }

  @Test
  void closeAfterAFailureKeepsThatFailureAndSuppressesTheirs() {
    IOException startFailed = new IOException("cannot lock folder");
    IllegalStateException closeFailed = new IllegalStateException("journal close failed");
    closer.register(named("socket"));
    closer.register(failing("journal", closeFailed));

    closer.closeAfter(startFailed);

    assertThat(closed).containsExactly("journal", "socket");
    assertThat(startFailed.getSuppressed()).containsExactly(closeFailed);
  }

  @Test
  void closesInTheReverseOrderOfRegistration() {
    closer.register(named("first"));
    closer.register(named("second"));
    closer.register(named("third"));

    closer.close();

    assertThat(closed).containsExactly("third", "second", "first");
  }

  @Test
  void closesEveryOneAndThrowsTheFirstFailureWithTheOthersSuppressed() {
    IllegalStateException first = new IllegalStateException("first failure");
    IOException second = new IOException("second failure");
    closer.register(failing("a", second));
    closer.register(named("b"));
    closer.register(failing("c", first));

    assertThatThrownBy(closer::close).isSameAs(first);

    assertThat(closed).containsExactly("c", "b", "a");
    assertThat(first.getSuppressed()).containsExactly(second);
  }

  @Test
  void wrapsACheckedFirstFailure() {
    IOException failure = new IOException("disk gone");
    closer.register(failing("a", failure));

    assertThatThrownBy(closer::close).isInstanceOf(IllegalStateException.class)
        .hasCause(failure).hasMessage("java.io.IOException: disk gone");
  }

  @Test
  void closesEachOnlyOnce() {
    closer.register(named("a"));

    closer.close();
    closer.close();

    assertThat(closed).containsExactly("a");
  }

  @Test
  void awaitTerminationThrowsWhenThePoolDoesNotEnd() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      pool.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      pool.shutdown();

      assertThatThrownBy(() -> Closer.awaitTermination("test-pool", pool, Duration.ofMillis(50)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("test-pool threads still running 50 ms after close");
    } finally {
      release.countDown();
      Closer.awaitTermination("test-pool", pool, Duration.ofSeconds(5));
    }
  }
}
