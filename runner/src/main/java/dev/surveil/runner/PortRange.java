package dev.surveil.runner;

/**
 * The ports a runner may listen on, tried in order; the chapter's runner takes the first free
 * port in 8900-9000. A range of the single port 0 means any free port. Immutable.
 *
 * @param first the first port to try
 * @param last the last port to try, inclusive
 */
public record PortRange(int first, int last) {
  /** 8900-9000, the chapter's range. */
  public static final PortRange DEFAULT = new PortRange(8900, 9000);

  public PortRange {
    if (first < 0 || last > 65535 || first > last) {
      throw new IllegalArgumentException("not a port range within 0-65535: " + first + "-" + last);
    }
  }

  /** Just {@code port}; 0 means any free port. */
  public static PortRange of(int port) {
    return new PortRange(port, port);
  }

  @Override
  public String toString() {
    return first == last ? Integer.toString(first) : first + "-" + last;
  }
}
