package dev.surveil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.net.LineClient;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Limits;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import dev.surveil.testing.RawPeer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile peers against a live dispatcher and runner: names that try to leave the results
 * folder or reach git or a shell, a 100 MB request, and slow-loris peers sending a byte a second.
 * Each is refused or cut off, while another client's requests keep being answered within 1 s.
 */
class HostileInputTest {
  private static final String MARK = FuzzedRequests.MARK;
  private static final Duration PROMPT = Duration.ofSeconds(1);
  /** The dispatcher's request timeout here: short, so a slow loris is cut off soon. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  private final InProcessServers servers = new InProcessServers(new ServerOptions(
      Limits.DEFAULT, REQUEST_TIMEOUT, Duration.ofMillis(50), 256));
  private static final Duration RAW_TIMEOUT = Duration.ofSeconds(5);
  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(5));
  private final ExecutorService peers = Executors.newCachedThreadPool();
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    peers.shutdownNow();
    synchronized (sockets) {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
    assertThat(peers.awaitTermination(10, TimeUnit.SECONDS)).as("peer threads ended").isTrue();
    servers.close();
  }

  @Test
  void refusesNamesThatTryToLeaveTheResultsFolderOrReachGitOrAShell() throws Exception {
    List<String> toDispatcher = List.of("results:../../" + MARK + ":5:hello",
        "results:/tmp/" + MARK + ":5:hello", "results:/etc/passwd:5:hello",
        "results:..%2f..%2f" + MARK + ":5:hello", "results:abcd\u0000/../../" + MARK + ":5:hello",
        "results:abcd/../../" + MARK + ":5:hello", "results:" + "a".repeat(65) + ":5:hello",
        "results:" + "a".repeat(5000) + ":5:hello", "results:abcd\u0000:5:hello",
        "dispatch:../../" + MARK + "\n", "dispatch:/etc/passwd\n", "dispatch:abcd\u0000\n",
        "dispatch:" + "a".repeat(65) + "\n", "dispatch:--upload-pack=touch " + MARK + "\n",
        "register:../../" + MARK + ":8900\n", "register:-oProxyCommand=touch " + MARK + ":22\n",
        "register:/tmp/" + MARK + ":1\n", "register:host\u0000:1\n", "register:localhost:0\n",
        "register:localhost:65536\n", "register:localhost:-1\n", "register:[::1]:22\n",
        "register:" + "a".repeat(300) + ":1\n", "register:a b:1\n", "register:localhost:\u0663\n");
    List<String> toRunner = List.of("runtest:../../" + MARK + "\n", "runtest:/tmp/" + MARK + "\n",
        "runtest:HEAD\n", "runtest:master\n", "runtest:@{-1}\n", "runtest:abcd\u0000\n",
        "runtest:--upload-pack=touch " + MARK + "\n", "runtest:$(touch " + MARK + ")\n",
        "runtest:abcd;touch " + MARK + "\n", "runtest:" + "a".repeat(65) + "\n",
        "runtest:" + "a".repeat(5000) + "\n", "results:abcd:5:hello");
    List<String> registered = servers.logLines("registered runner ");

    for (String request : toDispatcher) {
      assertThat(RawPeer.exchange(servers.dispatcher(), request, RAW_TIMEOUT)).as(request)
          .isEqualTo("Invalid command");
    }
    for (String request : toRunner) {
      assertThat(RawPeer.exchange(servers.runner(), request, RAW_TIMEOUT)).as(request)
          .isEqualTo("Invalid command");
    }

    assertThat(servers.resultFiles()).isEmpty();
    assertThat(servers.filesNamedLike(MARK)).isEmpty();
    assertThat(servers.logLines("queued commit")).isEmpty();
    assertThat(servers.logLines("started testing commit")).isEmpty();
    assertThat(servers.logLines("registered runner ")).isEqualTo(registered);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dispatcher:dispatch:", "dispatcher:results:0123abcd:104857600:",
      "runner:runtest:"})
  void cutsOffA100MegabyteRequestWhileAnsweringOthers(String targetAndHeader) throws Exception {
    String target = targetAndHeader.substring(0, targetAndHeader.indexOf(':'));
    String header = targetAndHeader.substring(target.length() + 1);
    HostAndPort address = target.equals("runner") ? servers.runner() : servers.dispatcher();
    long heapBefore = heapAfterGc();

    CountDownLatch finished = new CountDownLatch(1);
    Future<Flood> flood = peers.submit(() -> {
      try {
        return flood(address, header, 100L * 1024 * 1024);
      } finally {
        finished.countDown();
      }
    });
    Duration slowest = answerStatusUntil(finished, 5);

    Flood result = flood.get(30, TimeUnit.SECONDS);
    System.out.printf("HostileInputTest %s: cut off after %d bytes (%s); slowest status %d ms%n",
        header, result.written, result.failure, slowest.toMillis());
    assertThat(result.failure).as("the flood was cut off").isNotNull();
    assertThat(result.written).isLessThan(100L * 1024 * 1024);
    assertThat(slowest).isLessThan(PROMPT);
    assertThat(heapAfterGc() - heapBefore).isLessThan(32L * 1024 * 1024);
  }

  @Test
  void cutsOffSlowLorisPeersWhileAnsweringOthersPromptly() throws Exception {
    // The header at once, then the report a byte a second: a pause inside a request line is
    // refused after the quiet period, but a report may pause, so only the deadline ends it.
    byte[] header = "results:0123456789abcdef0123456789abcdef01234567:1000:"
        .getBytes(StandardCharsets.US_ASCII);
    byte[] neverEnding = "x".getBytes(StandardCharsets.US_ASCII);
    CountDownLatch finished = new CountDownLatch(10);
    List<Future<String>> lorises = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Socket socket = connect(servers.dispatcher());
      lorises.add(peers.submit(() -> {
        try {
          socket.getOutputStream().write(header);
          return trickle(socket, neverEnding);
        } finally {
          finished.countDown();
        }
      }));
    }
    long start = System.nanoTime();

    Duration slowest = answerStatusUntil(finished, 10);

    Duration cutOff = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("HostileInputTest slow loris: all cut off after %d ms; slowest status "
        + "%d ms%n", cutOff.toMillis(), slowest.toMillis());
    for (Future<String> loris : lorises) {
      assertThat(loris.get()).isEqualTo("Invalid command");
    }
    assertThat(cutOff).isGreaterThanOrEqualTo(REQUEST_TIMEOUT.minusMillis(500))
        .isLessThan(REQUEST_TIMEOUT.plusSeconds(4));
    assertThat(slowest).isLessThan(PROMPT);
  }

  /**
   * Sends {@code status} every 20 ms or so until {@code finished} and at least {@code minimum}
   * times, and returns the longest any took to be answered.
   */
  private Duration answerStatusUntil(CountDownLatch finished, int minimum) throws Exception {
    Duration slowest = Duration.ZERO;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean done = false;
    for (int sent = 0; (!done || sent < minimum) && System.nanoTime() < deadline; sent++) {
      long start = System.nanoTime();
      assertThat(client.send(servers.dispatcher(), new Status())).isEqualTo(Reply.OK);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      slowest = took.compareTo(slowest) > 0 ? took : slowest;
      done = finished.await(20, TimeUnit.MILLISECONDS);
    }
    assertThat(done).as("the hostile peers were dealt with within 30 s").isTrue();
    return slowest;
  }

  /** What a flood achieved: the bytes written before the server cut it off, and how. */
  private record Flood(long written, IOException failure) {}

  private Flood flood(HostAndPort address, String header, long bytes) throws IOException {
    Socket socket = connect(address);
    OutputStream out = socket.getOutputStream();
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 'a');
    long written = 0;
    try {
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      while (written < bytes) {
        out.write(chunk);
        written += chunk.length;
      }
      return new Flood(written, null);
    } catch (IOException e) {
      return new Flood(written, e);
    }
  }

  /** Sends one byte a second until the server closes, and returns what it answered. */
  private String trickle(Socket socket, byte[] payload) throws Exception {
    var ticks = Executors.newSingleThreadScheduledExecutor();
    try {
      ticks.scheduleAtFixedRate(new Runnable() {
        private int next;

        @Override
        public void run() {
          try {
            socket.getOutputStream().write(payload[next++ % payload.length]);
          } catch (IOException closedByServer) {
            throw new IllegalStateException("stop", closedByServer); // ends the schedule
          }
        }
      }, 0, 1, TimeUnit.SECONDS);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      ticks.shutdownNow();
      ticks.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private Socket connect(HostAndPort address) throws IOException {
    Socket socket = new Socket();
    synchronized (sockets) {
      sockets.add(socket);
    }
    socket.connect(address.toSocketAddress(), 2_000);
    socket.setSoTimeout(30_000);
    return socket;
  }

  private static long heapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
