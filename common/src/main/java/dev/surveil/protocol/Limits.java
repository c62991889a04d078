package dev.surveil.protocol;

/**
 * Size limits a {@link MessageReader} enforces, so that a peer cannot make us buffer without bound.
 *
 * @param maxLineBytes the longest request line (or {@code results} header) accepted
 * @param maxReportBytes the longest report a {@code results} request may carry
 */
public record Limits(int maxLineBytes, int maxReportBytes) {
  /** 1 KiB lines, 16 MiB reports. */
  public static final Limits DEFAULT = new Limits(1024, 16 * 1024 * 1024);

  public Limits {
    if (maxLineBytes < 64) {
      throw new IllegalArgumentException("maxLineBytes must be at least 64: " + maxLineBytes);
    }
    if (maxReportBytes < 0) {
      throw new IllegalArgumentException("maxReportBytes must not be negative: " + maxReportBytes);
    }
  }
}
