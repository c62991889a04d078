package dev.surveil.bench;

import dev.surveil.bench.process.ProgramLauncher;
import dev.surveil.bench.scenario.BenchContext;
import dev.surveil.bench.scenario.BenchSettings;
import dev.surveil.bench.scenario.FailoverScenario;
import dev.surveil.bench.scenario.FloodScenario;
import dev.surveil.bench.scenario.ForgeryScenario;
import dev.surveil.bench.scenario.LatencyScenario;
import dev.surveil.bench.scenario.ScaleScenario;
import dev.surveil.bench.scenario.Scenario;
import dev.surveil.bench.scenario.TemporaryFolders;
import dev.surveil.bench.scenario.ThroughputScenario;
import dev.surveil.bench.scenario.UnterminatedScenario;
import dev.surveil.bench.stats.Figure;
import dev.surveil.cli.CommandRunner;
import dev.surveil.cli.ShutdownHook;
import dev.surveil.cli.SurveilVersion;
import dev.surveil.cli.Usage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code bench} program that {@code scripts/bench} runs: starts the built programs on
 * loopback, runs every scenario and prints one table on stdout (progress goes to stderr). Not
 * thread-safe (one use per instance).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = SurveilVersion.class,
    description = "Measures Surveil's latency, failover, throughput, scale, memory, replies"
        + " to unterminated requests, memory under forged reports and status under a connection"
        + " flood, against the real programs on loopback.")
public final class BenchCommand implements Callable<Integer> {
  private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(20);

  @Spec
  private CommandSpec spec;

  @Option(names = "--quick", description = "A short run (about a minute), for trying changes.")
  private boolean quick;

  @Option(names = "--root", paramLabel = "DIR", required = true,
      description = "The Surveil folder, with the built jars and test-repo-fixtures/.")
  private Path root;

  @Option(names = "--only", paramLabel = "SCENARIO", split = ",",
      description = "Run only these scenarios: latency, failover, throughput, scale,"
          + " unterminated, forgery, flood.")
  private List<String> only;

  @Option(names = "--keep", description = "Keep the work folder (the programs' logs).")
  private boolean keep;

  public static void main(String[] args) {
    CommandRunner.main(new BenchCommand(), args);
  }

  @Override
  public Integer call() throws Exception {
    List<Scenario> scenarios = selected();
    Path consoleLauncher = root.resolve("bench/target/lib/junit-platform-console-standalone.jar");
    if (!Files.isRegularFile(consoleLauncher)) {
      throw new IllegalStateException(consoleLauncher + " is missing; scripts/bench builds it");
    }
    System.setProperty("surveil.root", root.toString()); // GitRepoFixture finds the fixtures
    Path work = Files.createTempDirectory("surveil-bench");
    Path logs = Files.createDirectories(work.resolve("logs"));
    ProgramLauncher launcher = new ProgramLauncher(root, logs);
    TemporaryFolders folders = new TemporaryFolders();
    if (!keep) {
      folders.add(work);
    }
    // Ctrl-C: stop every program, then delete what the bench made
    Runnable cleanUp = () -> {
      launcher.close();
      folders.deleteAll();
    };
    PrintWriter progress = spec.commandLine().getErr();
    return ShutdownHook.whileRunning("bench", cleanUp, SHUTDOWN_LIMIT, () -> {
      try {
        BenchContext context = new BenchContext(launcher, work, consoleLauncher,
            quick ? BenchSettings.quickRun() : BenchSettings.fullRun(), progress, folders);
        List<Figure> figures = new Benchmark(scenarios).run(context);
        spec.commandLine().getOut().print(Benchmark.report(figures, quick));
        spec.commandLine().getOut().flush();
      } finally {
        cleanUp.run();
        if (keep) {
          progress.println("bench: kept " + work);
        }
        progress.flush();
      }
      return CommandLine.ExitCode.OK;
    });
  }

  private List<Scenario> selected() {
    List<Scenario> all = List.of(new LatencyScenario(), new FailoverScenario(),
        new ThroughputScenario(), new ScaleScenario(), new UnterminatedScenario(),
        new ForgeryScenario(), new FloodScenario());
    if (only == null || only.isEmpty()) {
      return all;
    }
    List<Scenario> chosen = new ArrayList<>();
    for (String name : only) {
      Scenario scenario = all.stream().filter(s -> s.name().equals(name.toLowerCase(Locale.ROOT)))
          .findFirst().orElseThrow(() -> Usage.error(spec, "--only", name, "not a scenario;"
              + " choose from latency, failover, throughput, scale, unterminated, forgery,"
              + " flood"));
      chosen.add(scenario);
    }
    return chosen;
  }
}
