package dev.surveil.bench.scenario;

import dev.surveil.bench.process.PeakMemory;
import dev.surveil.bench.process.Program;
import dev.surveil.bench.sim.HeartbeatRounds;
import dev.surveil.bench.sim.SimulatedRunners;
import dev.surveil.bench.stats.Figure;
import dev.surveil.bench.stats.Unit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Scenario 5: a dispatcher with default flags and 500 simulated runners registered. Times each
 * heartbeat round from its first ping arriving to its last, and reads the dispatcher's peak
 * RSS meanwhile. Not thread-safe.
 */
public final class ScaleScenario implements Scenario {
  private static final String SCENARIO = "5 scale";
  private static final int RUNNERS = 500;
  /** The dispatcher's default heartbeat interval. */
  private static final Duration INTERVAL = Duration.ofMillis(500);

  @Override
  public String name() {
    return "scale";
  }

  /** What the dispatcher did with 500 runners. */
  private record Observed(List<Double> sweeps, int rounds, int removed, double peakRss,
      double cpuPercent) {}

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    Observed observed;
    try (Cluster cluster = new Cluster(context)) {
      Program dispatcher = cluster.startDispatcher("dispatcher-scale", List.of());
      try (SimulatedRunners runners = SimulatedRunners.start(RUNNERS, cluster.dispatcher())) {
        observed = observe(context, dispatcher, runners);
      }
    }
    context.say("scale: %d heartbeat rounds, %d pinged every runner once; %d runners removed;"
        + " sweeps %s ms", observed.rounds(), observed.sweeps().size(), observed.removed(),
        observed.sweeps().stream().map(s -> String.format("%.0f", s)).toList());
    String name = "heartbeat sweep, " + RUNNERS + " runners";
    List<Figure> figures = new ArrayList<>();
    figures.add(observed.sweeps().isEmpty()
        ? Figure.missing(SCENARIO, name, Unit.MILLIS,
            observed.rounds() + " rounds, none pinged every runner once")
        : Figure.of(SCENARIO, name, Unit.MILLIS, observed.sweeps()).withTarget(1000));
    figures.add(Figure.of(SCENARIO, "  dispatcher CPU, heartbeats to " + RUNNERS + " runners",
        Unit.PERCENT_OF_CORE, List.of(observed.cpuPercent())));
    figures.add(Figure.of("6 memory", "dispatcher peak, " + RUNNERS + " runners",
        Unit.MEBIBYTES, List.of(observed.peakRss())));
    return figures;
  }

  private static Observed observe(BenchContext context, Program dispatcher,
      SimulatedRunners runners) throws Exception {
    int mark = dispatcher.log().size();
    runners.registerAll();
    for (int i = 0; i < RUNNERS; i++) {
      mark = dispatcher.await("^registered runner ", mark, Cluster.START).index() + 1;
    }
    // the rounds while runners were registering are partial: start counting later
    Thread.sleep(INTERVAL.toMillis() * 2);
    long since = System.nanoTime();
    PeakMemory peak = PeakMemory.watch(dispatcher);
    double cpuPercent;
    try {
      cpuPercent = dispatcher.cpuPercentOver(
          INTERVAL.multipliedBy(context.settings().sweepRounds() + 1));
    } finally {
      peak.close();
    }
    double peakRss = peak.peakMebibytes(dispatcher).orElse(Double.NaN);
    List<HeartbeatRounds.Round> all = HeartbeatRounds.split(
        runners.traffic().pingsSince(since), INTERVAL.toNanos() / 2);
    // the last round may still have been arriving when the window closed
    List<HeartbeatRounds.Round> rounds = all.isEmpty() ? all : all.subList(0, all.size() - 1);
    List<Double> sweeps = new ArrayList<>();
    for (HeartbeatRounds.Round round : rounds) {
      if (round.isComplete(RUNNERS)) {
        sweeps.add(round.spreadMillis());
      }
    }
    int removed = dispatcher.log().count(Pattern.compile("^removed runner "));
    return new Observed(sweeps, rounds.size(), removed, peakRss, cpuPercent);
  }
}
