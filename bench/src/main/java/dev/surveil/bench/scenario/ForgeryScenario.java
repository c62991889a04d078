package dev.surveil.bench.scenario;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.Secret;
import dev.surveil.bench.process.Program;
import dev.surveil.bench.process.ResidentMemory;
import dev.surveil.bench.stats.Figure;
import dev.surveil.bench.stats.Unit;
import dev.surveil.net.LineClient;
import dev.surveil.net.NamedThreadFactory;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import dev.surveil.testing.ForgedReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Issue 11's forgery attack: a dispatcher with a secret, and 240 connections at once that each
 * send a well-formed auth line with a fresh timestamp, a random nonce and a made-up MAC, a
 * {@code results} header declaring a report of the 16 MiB limit, and then the report, as fast as
 * the dispatcher takes it. Measures the dispatcher's peak RSS during the attack (VmHWM, the
 * kernel's high-water mark since the dispatcher started), and the round trip of signed
 * {@code status} requests sent throughout; after the attack the dispatcher must be alive and
 * answer {@code status}. One new dispatcher per run (three runs, one with {@code --quick}).
 * Not thread-safe.
 */
public final class ForgeryScenario implements Scenario {
  private static final String SCENARIO = "9 forgery";
  private static final int CONNECTIONS = 240;
  private static final int REPORT_BYTES = 16 * 1024 * 1024;
  /** Issue 11's goal for the dispatcher's peak RSS during the attack. */
  private static final double TARGET_MEBIBYTES = 300;
  private static final Duration ATTACK_LIMIT = Duration.ofMinutes(3);

  private final SecureRandom random = new SecureRandom();

  @Override
  public String name() {
    return "forgery";
  }

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    Path token = writeToken(context.workDir());
    LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(15),
        Optional.of(new RequestSigner(Secret.fromFile(token))));
    List<Double> peaks = new ArrayList<>();
    List<Double> statusMillis = new ArrayList<>();
    int runs = context.settings().quick() ? 1 : 3;
    for (int run = 1; run <= runs; run++) {
      try (Cluster cluster = new Cluster(context)) {
        Program dispatcher = cluster.startDispatcher("dispatcher-forgery-" + run,
            List.of("--token-file", token.toString()));
        double idle = ResidentMemory.mebibytes(dispatcher.pid()).orElse(Double.NaN);
        Map<String, Integer> outcomes = attack(cluster.dispatcher(), client, statusMillis);
        double peak = ResidentMemory.peakMebibytes(dispatcher.pid()).orElseThrow(
            () -> new IllegalStateException("cannot read the dispatcher's VmHWM"));
        if (!dispatcher.isAlive()) {
          throw new IllegalStateException("the dispatcher died during the forgery attack");
        }
        Reply after = client.send(cluster.dispatcher(), new Status());
        if (after != Reply.OK) {
          throw new IllegalStateException("the dispatcher answered status with " + after
              + " after the forgery attack");
        }
        peaks.add(peak);
        context.say("forgery run %d: dispatcher RSS %.0f MiB idle, peak %.0f MiB; connections:"
            + " %s; status answered after", run, idle, peak, outcomes);
      }
    }
    return List.of(
        Figure.of(SCENARIO, "dispatcher peak RSS, " + CONNECTIONS + " forged 16 MiB reports",
            Unit.MEBIBYTES, peaks).withTarget(TARGET_MEBIBYTES),
        Figure.of(SCENARIO, "  signed status during the attack", Unit.MILLIS, statusMillis));
  }

  /**
   * Opens every connection at once, and sends signed {@code status} requests until they have
   * all ended; returns how many connections ended how, and how many {@code status} requests
   * failed or were not answered {@code OK}.
   */
  private Map<String, Integer> attack(HostAndPort dispatcher, LineClient client,
      List<Double> statusMillis) throws Exception {
    Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService attackers = Executors.newFixedThreadPool(CONNECTIONS,
        new NamedThreadFactory("bench-forger", true));
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        sent.add(attackers.submit(() -> {
          go.await();
          String outcome = ForgedReport.send(dispatcher.toSocketAddress(),
              RandomCommitIds.next().value(), REPORT_BYTES);
          outcomes.merge(outcome, 1, Integer::sum);
          return null;
        }));
      }
      go.countDown();
      long deadline = System.nanoTime() + ATTACK_LIMIT.toNanos();
      while (!sent.stream().allMatch(Future::isDone)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the forgery attack did not end within "
              + ATTACK_LIMIT);
        }
        long start = System.nanoTime();
        try {
          Reply reply = client.send(dispatcher, new Status());
          if (reply == Reply.OK) {
            statusMillis.add((System.nanoTime() - start) / 1e6);
          } else {
            outcomes.merge("status answered " + reply.text(), 1, Integer::sum);
          }
        } catch (IOException e) {
          outcomes.merge("status failed (" + e.getClass().getSimpleName() + ")", 1,
              Integer::sum);
        }
        Thread.sleep(100);
      }
      for (Future<?> future : sent) {
        future.get(); // a failure of the bench itself
      }
    } finally {
      attackers.shutdownNow();
      attackers.awaitTermination(10, TimeUnit.SECONDS);
    }
    return outcomes;
  }

  private String hex(int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return HexFormat.of().formatHex(value);
  }

  private Path writeToken(Path workDir) throws IOException {
    Path token = workDir.resolve("forgery-token");
    Files.writeString(token, hex(24) + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    return token;
  }
}
