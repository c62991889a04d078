package dev.surveil.bench.scenario;

import dev.surveil.bench.process.ProgramLauncher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What every scenario gets: the launcher of the programs, a work folder outside the repository,
 * the JUnit console launcher's jar, the settings and where to print progress. Immutable; the
 * progress writer is shared, so print whole lines.
 *
 * @param workDir a temporary folder for repositories, results and logs
 * @param consoleLauncher {@code junit-platform-console-standalone.jar}, for scenario 2
 * @param temporaryFolders where scenarios register the folders they make outside the work folder
 */
public record BenchContext(ProgramLauncher launcher, Path workDir, Path consoleLauncher,
    BenchSettings settings, PrintWriter progress, TemporaryFolders temporaryFolders) {
  /** Prints one progress line. */
  public void say(String format, Object... args) {
    progress.println(String.format(Locale.ROOT, format, args));
    progress.flush();
  }
}
