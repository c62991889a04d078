package dev.surveil.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.testing.ExpectsThreadDeath;
import dev.surveil.testing.LogRecorder;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The policy for exceptions that escape threads: logged with the thread's name, fatal if essential. */
@ExpectsThreadDeath("each test kills a thread to see the policy handle its death")
class UncaughtExceptionsTest {
  private final BlockingQueue<Integer> exits = new ArrayBlockingQueue<>(4);
  private LogRecorder logs;

  @BeforeEach
  void install() {
    logs = LogRecorder.record(UncaughtExceptions.class.getName());
    UncaughtExceptions.install("dispatcher", exits::add);
  }

  @AfterEach
  void uninstall() {
    UncaughtExceptions.uninstall();
    logs.close();
  }

  @Test
  void logsAnOrdinaryThreadsDeathAtErrorAndGoesOn() throws Exception {
    Thread thread = new Thread(() -> {
      throw new IllegalStateException("boom");
    }, "dispatcher-ping-7");

    thread.start();
    thread.join(5_000);

    // the whole line: an ordinary thread's, which the policy logs and does nothing more for
    assertThat(logs.awaitLine("ERROR thread dispatcher-ping-7"))
        .isEqualTo("ERROR thread dispatcher-ping-7 ended by an uncaught exception");
    assertThat(exits).isEmpty();
  }

  @Test
  void exitsWhenAnEssentialThreadDiesEvenOfAnError() throws Exception {
    Thread thread = UncaughtExceptions.essential(new Thread(() -> {
      throw new StackOverflowError("deep");
    }, "dispatcher-redistributor"));

    thread.start();

    assertThat(exits.poll(5, TimeUnit.SECONDS)).isEqualTo(UncaughtExceptions.EXIT_STATUS);
    assertThat(logs.awaitLine("ERROR thread dispatcher-redistributor ended by an uncaught"
        + " exception; dispatcher cannot work without it and exits with status 1"))
        .isNotNull();
  }

  @Test
  void onlyLogsAnEssentialThreadsDeathWhenNotInstalled() throws Exception {
    UncaughtExceptions.uninstall();
    Thread thread = UncaughtExceptions.essential(new Thread(() -> {
      throw new IllegalStateException("boom");
    }, "runner-dispatcher-link"));

    thread.start();
    thread.join(Duration.ofSeconds(5).toMillis());

    assertThat(logs.awaitLine("ERROR thread runner-dispatcher-link ended by an uncaught"
        + " exception; the program cannot work without it")).isNotNull();
    assertThat(exits).isEmpty();
  }
}
