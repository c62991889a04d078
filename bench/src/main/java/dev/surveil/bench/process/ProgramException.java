package dev.surveil.bench.process;

/**
 * A program did not do what the bench waited for: it exited, or did not log the expected line
 * in time. The message ends with the program's last log lines. Immutable.
 */
public final class ProgramException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProgramException(String message) {
    super(message);
  }
}
