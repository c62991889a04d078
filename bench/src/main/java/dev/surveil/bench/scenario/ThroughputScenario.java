package dev.surveil.bench.scenario;

import dev.surveil.bench.process.PeakMemory;
import dev.surveil.bench.process.Program;
import dev.surveil.bench.sim.RunnerTraffic;
import dev.surveil.bench.sim.SimulatedRunners;
import dev.surveil.bench.stats.Figure;
import dev.surveil.bench.stats.Unit;
import dev.surveil.net.LineClient;
import dev.surveil.net.NamedThreadFactory;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 4 and the dispatcher's memory under it: {@code status} requests per second from 1, 4
 * and 16 clients, each a thread in the bench sending one request per connection as fast as it
 * can; then batches of {@code dispatch} requests from 4 clients to a dispatcher with 50
 * simulated runners, timed from the first {@code dispatch} sent to the last {@code runtest}
 * received. Not thread-safe.
 */
public final class ThroughputScenario implements Scenario {
  private static final String SCENARIO = "4 throughput";
  private static final String MEMORY = "6 memory";
  private static final int[] STATUS_CLIENTS = {1, 4, 16};
  private static final int SIMULATED_RUNNERS = 50;
  private static final int DISPATCH_CLIENTS = 4;

  private static final Duration IDLE_WINDOW = Duration.ofSeconds(2);

  /** Rates per window, and the dispatcher's CPU time per request over those windows. */
  private record StatusLoad(List<Double> rates, double cpuMicrosPerRequest) {}

  private final LineClient client = new LineClient(Duration.ofSeconds(2), Duration.ofSeconds(10));

  @Override
  public String name() {
    return "throughput";
  }

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    List<Figure> figures = new ArrayList<>();
    try (Cluster cluster = new Cluster(context)) {
      Program dispatcher = cluster.startDispatcher("dispatcher-throughput", List.of());
      Thread.sleep(1000); // let start-up work settle before reading its idle memory
      double idle = dispatcher.rssMebibytes().orElse(Double.NaN);
      figures.add(Figure.of("7 idle CPU", "dispatcher, no runners", Unit.PERCENT_OF_CORE,
          List.of(dispatcher.cpuPercentOver(IDLE_WINDOW))));
      List<Double> statusPeak = new ArrayList<>();
      for (int clients : STATUS_CLIENTS) {
        PeakMemory peak = PeakMemory.watch(dispatcher);
        StatusLoad load;
        try {
          load = statusLoad(context, dispatcher, cluster.dispatcher(), clients);
        } finally {
          peak.close();
        }
        peak.peakMebibytes(dispatcher).ifPresent(statusPeak::add);
        String name = "status, " + clients + " client" + (clients == 1 ? "" : "s");
        Figure figure = Figure.of(SCENARIO, name, Unit.PER_SECOND, load.rates());
        figures.add(clients == 16 ? figure.withTarget(10_000) : figure);
        if (clients == 16) {
          figures.add(Figure.of(SCENARIO, "  dispatcher CPU per status request", Unit.MICROS,
              List.of(load.cpuMicrosPerRequest())));
        }
      }
      List<Double> dispatchPeak = new ArrayList<>();
      figures.add(dispatchRates(context, cluster, dispatcher, dispatchPeak));
      figures.add(Figure.of(MEMORY, "dispatcher idle, no runners", Unit.MEBIBYTES,
          List.of(idle)));
      figures.add(Figure.of(MEMORY, "dispatcher peak, status load", Unit.MEBIBYTES, statusPeak));
      figures.add(Figure.of(MEMORY, "dispatcher peak, dispatch load", Unit.MEBIBYTES,
          dispatchPeak));
    }
    return figures;
  }

  /** One rate per window, after a warm-up window. */
  private StatusLoad statusLoad(BenchContext context, Program program, HostAndPort dispatcher,
      int clients) throws InterruptedException {
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(clients,
        new NamedThreadFactory("bench-status-client", true));
    List<Double> rates = new ArrayList<>();
    long requests;
    long cpuMillis;
    try {
      for (int i = 0; i < clients; i++) {
        pool.execute(() -> {
          while (!stop.get()) {
            try {
              (client.send(dispatcher, new Status()) == Reply.OK ? ok : failed).incrementAndGet();
            } catch (IOException e) {
              failed.incrementAndGet();
            }
          }
        });
      }
      Duration window = context.settings().throughputWindow();
      Thread.sleep(window.toMillis()); // warm-up
      long firstOk = ok.get();
      long firstCpu = program.cpuMillis().orElse(0);
      for (int w = 0; w < context.settings().throughputWindows(); w++) {
        long before = ok.get();
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        rates.add((ok.get() - before) / ((System.nanoTime() - start) / 1e9));
      }
      requests = ok.get() - firstOk;
      cpuMillis = program.cpuMillis().orElse(0) - firstCpu;
    } finally {
      stop.set(true);
      pool.shutdown();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    double cpuPerRequest = requests == 0 ? Double.NaN : cpuMillis * 1000.0 / requests;
    context.say("throughput status, %2d clients: %s /s per window; %d failed requests;"
        + " dispatcher CPU %.0f us per request", clients,
        rates.stream().map(r -> String.format("%.0f", r)).toList(), failed.get(),
        cpuPerRequest);
    return new StatusLoad(rates, cpuPerRequest);
  }

  private Figure dispatchRates(BenchContext context, Cluster cluster, Program dispatcher,
      List<Double> peakMemory) throws Exception {
    List<Double> rates = new ArrayList<>();
    try (SimulatedRunners runners = SimulatedRunners.start(SIMULATED_RUNNERS,
        cluster.dispatcher())) {
      int mark = dispatcher.log().size();
      runners.registerAll();
      for (int i = 0; i < SIMULATED_RUNNERS; i++) {
        mark = dispatcher.await("^registered runner ", mark, Cluster.START).index() + 1;
      }
      RunnerTraffic traffic = runners.traffic();
      PeakMemory peak = PeakMemory.watch(dispatcher);
      try {
        for (int b = 0; b < context.settings().dispatchBatches(); b++) {
          rates.add(dispatchBatch(context, cluster.dispatcher(), traffic, b + 1));
        }
      } finally {
        peak.close();
      }
      peak.peakMebibytes(dispatcher).ifPresent(peakMemory::add);
    }
    return Figure.of(SCENARIO, "dispatch -> runtest, " + SIMULATED_RUNNERS + " runners",
        Unit.PER_SECOND, rates);
  }

  /** Dispatches one batch of new commits; returns the rate they reached runners. */
  private double dispatchBatch(BenchContext context, HostAndPort dispatcher,
      RunnerTraffic traffic, int number) throws Exception {
    int batch = context.settings().dispatchBatchSize();
    long before = traffic.runTests();
    long start = System.nanoTime();
    long refused = sendDispatches(dispatcher, batch);
    if (!traffic.awaitRunTests(before + batch, 120_000)) {
      throw new IllegalStateException("only " + (traffic.runTests() - before) + " of " + batch
          + " dispatched commits reached a runner within 120 s");
    }
    double rate = batch / ((traffic.lastRunTestNanos() - start) / 1e9);
    context.say("throughput dispatch batch %d: %d commits, %.0f runtest/s; %d refused,"
        + " %d results not stored so far", number, batch, rate, refused, traffic.resultsFailed());
    return rate;
  }

  /** Sends {@code count} new commits from 4 clients; returns how many were not answered OK. */
  private long sendDispatches(HostAndPort dispatcher, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(DISPATCH_CLIENTS,
        new NamedThreadFactory("bench-dispatch-client", true));
    try {
      List<Future<Long>> refused = new ArrayList<>();
      for (int c = 0; c < DISPATCH_CLIENTS; c++) {
        int share = count / DISPATCH_CLIENTS + (c < count % DISPATCH_CLIENTS ? 1 : 0);
        refused.add(pool.submit(() -> {
          long notOk = 0;
          for (int i = 0; i < share; i++) {
            if (client.send(dispatcher, new Dispatch(RandomCommitIds.next())) != Reply.OK) {
              notOk++;
            }
          }
          return notOk;
        }));
      }
      long total = 0;
      for (Future<Long> f : refused) {
        total += f.get();
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }
}
