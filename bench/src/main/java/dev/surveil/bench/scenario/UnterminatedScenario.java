package dev.surveil.bench.scenario;

import dev.surveil.bench.process.Program;
import dev.surveil.bench.sim.ChapterClient;
import dev.surveil.bench.sim.RunnerTraffic;
import dev.surveil.bench.sim.SimulatedRunners;
import dev.surveil.bench.stats.Figure;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Scenario 8 (issue 10): requests sent the way the chapter's clients send them, one write with no
 * terminator and then one read, to a dispatcher with default flags. For {@code status},
 * {@code dispatch:<commit>} (a new commit id each time; one simulated runner is registered, so
 * the reply is {@code OK}) and {@code register:localhost:<port>} (the simulated runner's port,
 * registered again each time), it times each request from its write to the last byte of its
 * reply, alternating with the same request ending in {@code \n} for comparison. After each
 * {@code dispatch} it waits until the runner has the commit and its result is stored, so every
 * request meets an idle dispatcher. Not thread-safe.
 */
public final class UnterminatedScenario implements Scenario {
  private static final String SCENARIO = "8 unterminated";
  /** Issue 10's goal for the median of an unterminated request, on loopback. */
  private static final OptionalDouble TARGET_MILLIS = OptionalDouble.of(5);
  /** Pairs of requests of each kind sent first and not counted (the dispatcher's JIT). */
  private static final int WARM_UP_PAIRS = 25;
  private static final long RUNTEST_WAIT_MILLIS = 10_000;

  // the read timeout outlasts the dispatcher's 10 s request deadline
  private final ChapterClient client =
      new ChapterClient(Duration.ofSeconds(2), Duration.ofSeconds(15));

  @Override
  public String name() {
    return "unterminated";
  }

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    List<Figure> figures = new ArrayList<>();
    try (Cluster cluster = new Cluster(context)) {
      Program dispatcher = cluster.startDispatcher("dispatcher-unterminated", List.of());
      try (SimulatedRunners runners = SimulatedRunners.start(1, cluster.dispatcher())) {
        int mark = dispatcher.log().size();
        runners.registerAll();
        dispatcher.await("^registered runner ", mark, Cluster.START);
        int port = runners.addresses().get(0).port();
        HostAndPort address = cluster.dispatcher();
        figures.addAll(measure(context, address, "status", () -> "status", Optional.empty()));
        figures.addAll(measure(context, address, "dispatch:<commit>",
            () -> "dispatch:" + RandomCommitIds.next().value(), Optional.of(runners.traffic())));
        context.say("unterminated: the simulated runner registers as localhost:%d", port);
        figures.addAll(measure(context, address, "register:localhost:<port>",
            () -> "register:localhost:" + port, Optional.empty()));
      }
    }
    return figures;
  }

  /**
   * Sends warm-up pairs, then the measured pairs of one kind of request: each pair is the
   * request without a terminator, then a new one ending in {@code \n}.
   *
   * @param traffic the simulated runners' traffic, to wait for after each {@code dispatch}
   */
  private List<Figure> measure(BenchContext context, HostAndPort dispatcher, String label,
      Supplier<String> request, Optional<RunnerTraffic> traffic) throws Exception {
    RoundTrips bare = new RoundTrips(label + ", unterminated", Reply.OK.text());
    RoundTrips ended = new RoundTrips("  " + label + ", ending in \\n", Reply.OK.text());
    int requests = context.settings().unterminatedRequests();
    for (int i = -WARM_UP_PAIRS; i < requests; i++) {
      ChapterClient.Exchange unterminated = send(dispatcher, request.get(), traffic);
      ChapterClient.Exchange terminated = send(dispatcher, request.get() + "\n", traffic);
      if (i >= 0) {
        bare.add(unterminated);
        ended.add(terminated);
      }
    }
    context.say("unterminated %s", bare.describe());
    context.say("unterminated %s", ended.describe());
    return List.of(bare.figure(SCENARIO, TARGET_MILLIS),
        ended.figure(SCENARIO, OptionalDouble.empty()));
  }

  /** One exchange; after an accepted {@code dispatch}, waits until its result is stored. */
  private ChapterClient.Exchange send(HostAndPort dispatcher, String request,
      Optional<RunnerTraffic> traffic) throws IOException, InterruptedException {
    long before = traffic.map(RunnerTraffic::runTests).orElse(0L);
    ChapterClient.Exchange exchange = client.exchange(dispatcher, request);
    if (traffic.isPresent() && exchange.reply().equals(Reply.OK.text())
        && !traffic.get().awaitRunTests(before + 1, RUNTEST_WAIT_MILLIS)) {
      throw new IllegalStateException("the commit of '" + request.strip() + "' did not reach"
          + " the simulated runner, or its result was not sent, within "
          + RUNTEST_WAIT_MILLIS + " ms");
    }
    return exchange;
  }
}
