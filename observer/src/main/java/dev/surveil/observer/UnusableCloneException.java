package dev.surveil.observer;

/**
 * The observer's clone cannot be used: it is missing, is not a git repository with a working
 * tree, or has no {@code origin} remote to pull from. The message is one line for the user that
 * says what is wrong and what to do. Immutable.
 */
public final class UnusableCloneException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnusableCloneException(String message) {
    super(message);
  }
}
