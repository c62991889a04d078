package dev.surveil.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.net.LineClient;
import dev.surveil.net.LineServer;
import dev.surveil.net.ServerOptions;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.RunTest;
import dev.surveil.protocol.Status;
import dev.surveil.time.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatedRunnersTest {
  private static final CommitId COMMIT = new CommitId("3f786850e387550fdab836ed7e6dc881de23001b");

  private final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(5));
  private LineServer dispatcher;
  private SimulatedRunners runners;

  @BeforeEach
  void startFakeDispatcher() throws Exception {
    dispatcher = new LineServer("fake-dispatcher", new InetSocketAddress("127.0.0.1", 0),
        request -> {
          received.add(request);
          return Reply.OK;
        }, ServerOptions.DEFAULT, Ticker.SYSTEM);
    dispatcher.start();
    runners = SimulatedRunners.start(3, new HostAndPort("127.0.0.1",
        dispatcher.localAddress().getPort()));
  }

  @AfterEach
  void stop() {
    runners.close();
    dispatcher.close();
    assertThat(received).isEmpty();
  }

  @Test
  void registersEveryRunnerWithItsOwnPort() throws Exception {
    runners.registerAll();

    for (HostAndPort address : runners.addresses()) {
      assertThat(received.poll(5, TimeUnit.SECONDS))
          .isEqualTo(new Register(new HostAndPort("127.0.0.1", address.port())));
    }
    assertThat(runners.addresses()).extracting(HostAndPort::port).doesNotHaveDuplicates();
  }

  @Test
  void answersPingWithPongAndRecordsWhichRunnerGotIt() throws Exception {
    long before = System.nanoTime();

    Reply reply = client.send(runners.addresses().get(2), new Ping());

    assertThat(reply).isEqualTo(Reply.PONG);
    assertThat(runners.traffic().pingsSince(before)).singleElement()
        .extracting(RunnerTraffic.Ping::runner).isEqualTo(2);
  }

  @Test
  void acceptsRuntestAndSendsTheResultBackAtOnce() throws Exception {
    Reply reply = client.send(runners.addresses().get(0), new RunTest(COMMIT));

    assertThat(reply).isEqualTo(Reply.OK);
    assertThat(runners.traffic().awaitRunTests(1, 5_000)).isTrue();
    assertThat(received.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(Results.class,
        results -> assertThat(results.commit()).isEqualTo(COMMIT));
    assertThat(runners.traffic().resultsFailed()).isZero();
  }

  @Test
  void refusesARequestARunnerDoesNotServe() throws Exception {
    assertThat(client.send(runners.addresses().get(1), new Status()))
        .isEqualTo(Reply.INVALID_COMMAND);
  }
}
