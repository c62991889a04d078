package dev.surveil.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/** Reads a process's resident set size (VmRSS) from {@code /proc}. Stateless and thread-safe. */
public final class ResidentMemory {
  private ResidentMemory() {}

  /** The RSS of process {@code pid} in MiB, or empty if it is gone or this is not Linux. */
  public static OptionalDouble mebibytes(long pid) {
    try {
      return parseStatus(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    } catch (IOException e) {
      return OptionalDouble.empty();
    }
  }

  /** The {@code VmRSS} line of a {@code /proc/<pid>/status} text, in MiB. */
  static OptionalDouble parseStatus(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        if (parts.length == 2 && parts[1].equals("kB")) {
          return OptionalDouble.of(Long.parseLong(parts[0]) / 1024.0);
        }
        throw new IllegalArgumentException("unexpected VmRSS line: " + line);
      }
    }
    return OptionalDouble.empty();
  }
}
