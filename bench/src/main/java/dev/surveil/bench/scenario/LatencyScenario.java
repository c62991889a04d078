package dev.surveil.bench.scenario;

import dev.surveil.bench.process.LogMatch;
import dev.surveil.bench.process.PeakMemory;
import dev.surveil.bench.process.Program;
import dev.surveil.bench.process.ProgramException;
import dev.surveil.bench.stats.Figure;
import dev.surveil.bench.stats.Unit;
import dev.surveil.protocol.HostAndPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;

/**
 * Scenarios 1 and 2, and the idle memory of scenario 6: one dispatcher, one runner and, per
 * trigger, one observer, all with default flags. For each trigger (dispatch sent by the bench,
 * push, polling) one warm-up commit, then the measured commits, one at a time; after each, the
 * same tests run directly with the JUnit console launcher on the runner's checkout. Not
 * thread-safe.
 */
public final class LatencyScenario implements Scenario {
  /** The observer's default poll interval; polling commits are made at a random point of it. */
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
  private static final String OVERHEAD = "2 overhead";
  private static final String MEMORY = "6 memory";

  /** What one trigger measured; {@code missing} says why nothing was, if so. */
  private record Measured(Trigger trigger, List<CommitTimeline> timelines,
      List<DirectRun.Timing> direct, String missing) {}

  private final List<Double> dispatcherIdle = new ArrayList<>();
  private final List<Double> runnerIdle = new ArrayList<>();
  private final List<Double> observerIdle = new ArrayList<>();
  private final List<Double> runnerPeak = new ArrayList<>();
  private final List<Double> observerPeak = new ArrayList<>();
  /** Dispatcher, runner and observer, in that order, once measured. */
  private final List<Double> idleCpu = new ArrayList<>();

  @Override
  public String name() {
    return "latency";
  }

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    List<Measured> measured = new ArrayList<>();
    try (Cluster cluster = new Cluster(context)) {
      Program dispatcher = cluster.startDispatcher("dispatcher", List.of());
      Cluster.Runner runner = cluster.startRunner("runner", "runner-clone");
      CommitTracer tracer = new CommitTracer(cluster.repo(), dispatcher, cluster.dispatcher(),
          runner.program());
      DirectRun direct = new DirectRun(context.consoleLauncher(), context.workDir());
      for (Trigger trigger : List.of(Trigger.DIRECT_DISPATCH, Trigger.PUSH, Trigger.POLLING)) {
        measured.add(measure(context, cluster, trigger, tracer, direct, runner));
      }
    }
    List<Figure> figures = new ArrayList<>();
    measured.forEach(m -> figures.addAll(latencyFigures(m)));
    figures.addAll(overheadFigures(measured));
    figures.addAll(memoryFigures());
    return figures;
  }

  private Measured measure(BenchContext context, Cluster cluster, Trigger trigger,
      CommitTracer tracer, DirectRun direct, Cluster.Runner runner) throws Exception {
    if (!trigger.needsObserver()) {
      return measureRuns(context, trigger, tracer, direct, runner, null, Optional.empty());
    }
    Program observer;
    try {
      observer = cluster.startObserver(trigger.observerArgs());
    } catch (ProgramException e) {
      context.say("latency %s: the observer did not start: %s", trigger, firstLine(e));
      return new Measured(trigger, List.of(), List.of(), e.getMessage().contains("Unknown option")
          ? "the observer has no " + trigger.observerArgs().get(0) + " option yet"
          : "the observer did not start");
    }
    try {
      Optional<HostAndPort> notifyAddress = Optional.empty();
      if (trigger == Trigger.PUSH) {
        LogMatch listening = observer.await("listening for notify on ([^: ]+):(\\d+)",
            Cluster.START);
        notifyAddress = Optional.of(new HostAndPort(listening.group(1),
            Integer.parseInt(listening.group(2))));
      }
      if (trigger == Trigger.POLLING) {
        measureIdleCpu(tracer.dispatcher(), runner.program(), observer);
      }
      return measureRuns(context, trigger, tracer, direct, runner, observer, notifyAddress);
    } finally {
      cluster.stop(observer);
    }
  }

  /** One warm-up commit, then the measured ones; {@code observer} is null without one. */
  private Measured measureRuns(BenchContext context, Trigger trigger, CommitTracer tracer,
      DirectRun direct, Cluster.Runner runner, Program observer,
      Optional<HostAndPort> notifyAddress) throws Exception {
    List<CommitTimeline> timelines = new ArrayList<>();
    List<DirectRun.Timing> directTimings = new ArrayList<>();
    PeakMemory peak = null;
    try {
      for (int run = 0; run <= context.settings().latencyRuns(); run++) {
        if (trigger == Trigger.POLLING) {
          Thread.sleep(ThreadLocalRandom.current().nextLong(POLL_INTERVAL.toMillis()));
        }
        if (run > 0) {
          sampleIdle(tracer.dispatcher(), runner.program(), observer);
          if (peak == null) {
            peak = observer == null ? PeakMemory.watch(runner.program())
                : PeakMemory.watch(runner.program(), observer);
          }
        }
        CommitTimeline timeline = tracer.trace(trigger, notifyAddress);
        DirectRun.Timing timing = direct.run(runner.checkout());
        report(context, trigger, run, timeline, timing);
        if (run > 0) {
          timelines.add(timeline);
          directTimings.add(timing);
        }
      }
    } finally {
      if (peak != null) {
        peak.close();
        peak.peakMebibytes(runner.program()).ifPresent(runnerPeak::add);
        if (observer != null) {
          peak.peakMebibytes(observer).ifPresent(observerPeak::add);
        }
      }
    }
    return new Measured(trigger, timelines, directTimings, "");
  }

  private static void report(BenchContext context, Trigger trigger, int run,
      CommitTimeline timeline, DirectRun.Timing timing) {
    context.say("latency %-15s %s: total %d ms (detect %d, queue %d, checkout %d, test %d,"
        + " report %d); direct JUnit run %d ms", trigger, run == 0 ? "warm-up" : "run " + run,
        timeline.total(), timeline.detect(), timeline.queue(), timeline.checkout(),
        timeline.testRun(), timeline.report(), timing.totalMillis());
  }

  /**
   * The CPU the three programs use over one poll interval with no commit coming: the observer
   * polls once, the dispatcher pings the runner ten times.
   */
  private void measureIdleCpu(Program... programs) throws InterruptedException {
    long[] before = new long[programs.length];
    for (int i = 0; i < programs.length; i++) {
      before[i] = programs[i].cpuMillis().orElseThrow();
    }
    long start = System.nanoTime();
    Thread.sleep(POLL_INTERVAL.toMillis());
    double elapsedMillis = (System.nanoTime() - start) / 1e6;
    for (int i = 0; i < programs.length; i++) {
      idleCpu.add(100.0 * (programs[i].cpuMillis().orElseThrow() - before[i]) / elapsedMillis);
    }
  }

  private void sampleIdle(Program dispatcher, Program runner, Program observer) {
    dispatcher.rssMebibytes().ifPresent(dispatcherIdle::add);
    runner.rssMebibytes().ifPresent(runnerIdle::add);
    if (observer != null) {
      observer.rssMebibytes().ifPresent(observerIdle::add);
    }
  }

  private static List<Figure> latencyFigures(Measured m) {
    String scenario = m.trigger().scenario();
    if (!m.missing().isEmpty()) {
      return List.of(Figure.missing(scenario, "total: commit -> result stored", Unit.MILLIS,
          m.missing()));
    }
    return List.of(
        millis(scenario, "total: commit -> result stored", m.timelines(), CommitTimeline::total),
        millis(scenario, "  detect: commit -> queued", m.timelines(), CommitTimeline::detect),
        millis(scenario, "  queue: queued -> runner starts", m.timelines(),
            CommitTimeline::queue),
        millis(scenario, "  checkout (fetch + reset)", m.timelines(), CommitTimeline::checkout),
        millis(scenario, "  test run (javac + test JVM)", m.timelines(),
            CommitTimeline::testRun),
        millis(scenario, "  report: finished -> stored", m.timelines(), CommitTimeline::report));
  }

  private static List<Figure> overheadFigures(List<Measured> measured) {
    List<DirectRun.Timing> all = new ArrayList<>();
    measured.forEach(m -> all.addAll(m.direct()));
    List<Figure> figures = new ArrayList<>();
    figures.add(millis(OVERHEAD, "direct JUnit run (javac + console)", all,
        DirectRun.Timing::totalMillis));
    figures.add(millis(OVERHEAD, "  javac", all, DirectRun.Timing::javacMillis));
    figures.add(millis(OVERHEAD, "  console launcher", all, DirectRun.Timing::consoleMillis));
    for (Measured m : measured) {
      String name = "overhead, " + m.trigger().scenario().replace("1 latency, ", "");
      if (!m.missing().isEmpty()) {
        figures.add(Figure.missing(OVERHEAD, name, Unit.MILLIS, m.missing()));
        continue;
      }
      List<Double> overhead = new ArrayList<>();
      for (int i = 0; i < m.timelines().size(); i++) {
        overhead.add((double) (m.timelines().get(i).total() - m.direct().get(i).totalMillis()));
      }
      Figure figure = Figure.of(OVERHEAD, name, Unit.MILLIS, overhead);
      figures.add(m.trigger() == Trigger.PUSH ? figure.withTarget(1000) : figure);
    }
    return figures;
  }

  private List<Figure> memoryFigures() {
    List<Figure> figures = new ArrayList<>();
    figures.add(mebibytes("dispatcher idle, 1 runner", dispatcherIdle));
    figures.add(mebibytes("runner idle", runnerIdle).withTarget(150));
    figures.add(mebibytes("observer idle", observerIdle).withTarget(150));
    figures.add(mebibytes("runner peak while testing", runnerPeak));
    figures.add(mebibytes("observer peak while polling", observerPeak));
    String[] names = {"dispatcher, 1 runner", "runner", "observer, polling every 5 s"};
    for (int i = 0; i < names.length; i++) {
      figures.add(idleCpu.size() > i
          ? Figure.of("7 idle CPU", names[i], Unit.PERCENT_OF_CORE, List.of(idleCpu.get(i)))
          : Figure.missing("7 idle CPU", names[i], Unit.PERCENT_OF_CORE, "not measured"));
    }
    return figures;
  }

  private static Figure mebibytes(String name, List<Double> samples) {
    return samples.isEmpty() ? Figure.missing(MEMORY, name, Unit.MEBIBYTES, "not measured")
        : Figure.of(MEMORY, name, Unit.MEBIBYTES, samples);
  }

  private static <T> Figure millis(String scenario, String name, List<T> items,
      ToLongFunction<T> value) {
    return Figure.of(scenario, name, Unit.MILLIS,
        items.stream().map(item -> (double) value.applyAsLong(item)).toList());
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
