package dev.surveil.lifecycle;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The state of a thing that is started once and closed once: {@link State#NEW}, then
 * {@link State#STARTED}, then {@link State#CLOSED} (straight from new, too). Each move is a
 * compare-and-set, so of two callers exactly one wins. Thread-safe.
 */
public final class Lifecycle {
  /** Where a lifecycle is. */
  public enum State {
    /** Made, not started. */
    NEW,
    /** Started, not closed. */
    STARTED,
    /** Closed; never leaves this state. */
    CLOSED
  }

  private final String name;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  /** @param name what is started and closed, for messages: e.g. {@code runner} */
  public Lifecycle(String name) {
    this.name = name;
  }

  /**
   * Moves from new to started.
   *
   * @throws IllegalStateException naming the state, if not new
   */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException(name + " already started or closed, state=" + state.get());
    }
  }

  /** Moves to closed; true if this call did, false if it was closed already. */
  public boolean close() {
    return state.getAndSet(State.CLOSED) != State.CLOSED;
  }

  /** Where it is now. */
  public State state() {
    return state.get();
  }

  /** Whether started and not closed. */
  public boolean isStarted() {
    return state.get() == State.STARTED;
  }

  /** Whether closed. */
  public boolean isClosed() {
    return state.get() == State.CLOSED;
  }
}
