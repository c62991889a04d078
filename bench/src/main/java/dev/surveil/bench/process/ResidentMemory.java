package dev.surveil.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * Reads a process's resident set size (VmRSS) and its peak since the process started (VmHWM,
 * the kernel's high-water mark) from {@code /proc}. Stateless and thread-safe.
 */
public final class ResidentMemory {
  private ResidentMemory() {}

  /** The RSS of process {@code pid} in MiB, or empty if it is gone or this is not Linux. */
  public static OptionalDouble mebibytes(long pid) {
    return read(pid, "VmRSS");
  }

  /**
   * The highest RSS of process {@code pid} since it started, in MiB (no sampling can miss a
   * short peak), or empty if it is gone or this is not Linux.
   */
  public static OptionalDouble peakMebibytes(long pid) {
    return read(pid, "VmHWM");
  }

  private static OptionalDouble read(long pid, String field) {
    try {
      return parseStatus(Files.readString(Path.of("/proc", Long.toString(pid), "status")), field);
    } catch (IOException e) {
      return OptionalDouble.empty();
    }
  }

  /** The {@code VmRSS} line of a {@code /proc/<pid>/status} text, in MiB. */
  static OptionalDouble parseStatus(String status) {
    return parseStatus(status, "VmRSS");
  }

  /** The line {@code field} (e.g. {@code VmHWM}) of a {@code /proc/<pid>/status} text, in MiB. */
  static OptionalDouble parseStatus(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field + ":")) {
        String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
        if (parts.length == 2 && parts[1].equals("kB")) {
          return OptionalDouble.of(Long.parseLong(parts[0]) / 1024.0);
        }
        throw new IllegalArgumentException("unexpected " + field + " line: " + line);
      }
    }
    return OptionalDouble.empty();
  }
}
