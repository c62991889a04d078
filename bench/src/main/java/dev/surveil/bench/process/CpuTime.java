package dev.surveil.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads the CPU time a process has used (user + system) from {@code /proc/<pid>/stat}.
 * Stateless and thread-safe.
 */
public final class CpuTime {
  /** Linux reports CPU times in clock ticks of 1/100 s (USER_HZ) on every common platform. */
  private static final long MILLIS_PER_TICK = 10;

  private CpuTime() {}

  /** The CPU time process {@code pid} has used, in ms, or empty if it is gone or not Linux. */
  public static OptionalLong millis(long pid) {
    try {
      return OptionalLong.of(parseStat(Files.readString(Path.of("/proc", Long.toString(pid),
          "stat"))));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** utime + stime of a {@code /proc/<pid>/stat} line, in ms. */
  static long parseStat(String stat) {
    // the command name (field 2) is in parentheses and may hold spaces: count from after it
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK;
  }
}
