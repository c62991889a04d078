package dev.surveil.dispatcher;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.ProtocolException;
import java.util.Objects;

/**
 * One change to the {@link RunnerPool}, as the {@link Journal} records it: one line of text,
 * e.g. {@code enqueue 3f78…} or {@code assign 3f78… 127.0.0.1:8900}. Replaying the changes in
 * order on an empty pool rebuilds the pool. Immutable.
 *
 * @param runner the runner, for {@link Op#REGISTER}, {@link Op#REMOVE} and {@link Op#ASSIGN}
 * @param commit the commit, for {@link Op#ENQUEUE}, {@link Op#ASSIGN}, {@link Op#COMPLETE} and
 *     {@link Op#REQUEUE}
 */
record PoolChange(Op op, CommitId commit, HostAndPort runner) {
  /** The pool operations, each with the word that names it in the journal. */
  enum Op {
    REGISTER("register"),
    REMOVE("remove"),
    ENQUEUE("enqueue"),
    ASSIGN("assign"),
    COMPLETE("complete"),
    REQUEUE("requeue");

    private final String word;

    Op(String word) {
      this.word = word;
    }

    boolean takesCommit() {
      return this != REGISTER && this != REMOVE;
    }

    boolean takesRunner() {
      return this == REGISTER || this == REMOVE || this == ASSIGN;
    }
  }

  PoolChange {
    Objects.requireNonNull(op, "op");
    if (op.takesCommit() != (commit != null) || op.takesRunner() != (runner != null)) {
      throw new IllegalArgumentException("wrong arguments for " + op.word + ": commit=" + commit
          + " runner=" + runner);
    }
  }

  static PoolChange register(HostAndPort runner) {
    return new PoolChange(Op.REGISTER, null, runner);
  }

  static PoolChange remove(HostAndPort runner) {
    return new PoolChange(Op.REMOVE, null, runner);
  }

  static PoolChange enqueue(CommitId commit) {
    return new PoolChange(Op.ENQUEUE, commit, null);
  }

  static PoolChange assign(CommitId commit, HostAndPort runner) {
    return new PoolChange(Op.ASSIGN, commit, runner);
  }

  static PoolChange complete(CommitId commit) {
    return new PoolChange(Op.COMPLETE, commit, null);
  }

  static PoolChange requeue(CommitId commit) {
    return new PoolChange(Op.REQUEUE, commit, null);
  }

  /** The change as one journal line, without a terminator. */
  String format() {
    StringBuilder line = new StringBuilder(op.word);
    if (commit != null) {
      line.append(' ').append(commit.value());
    }
    if (runner != null) {
      line.append(' ').append(runner);
    }
    return line.toString();
  }

  /**
   * Parses a line written by {@link #format()}.
   *
   * @throws IllegalArgumentException naming the line, if it is not a journal line
   */
  static PoolChange parse(String line) {
    String[] words = line.split(" ", -1);
    for (Op op : Op.values()) {
      if (!op.word.equals(words[0])) {
        continue;
      }
      int expected = 1 + (op.takesCommit() ? 1 : 0) + (op.takesRunner() ? 1 : 0);
      if (words.length != expected) {
        break;
      }
      CommitId commit = op.takesCommit() ? commit(words[1], line) : null;
      HostAndPort runner = op.takesRunner() ? HostAndPort.parse(words[expected - 1]) : null;
      return new PoolChange(op, commit, runner);
    }
    throw new IllegalArgumentException("not a journal line: '" + line + "'");
  }

  private static CommitId commit(String word, String line) {
    try {
      return CommitId.parse(word);
    } catch (ProtocolException e) {
      throw new IllegalArgumentException("not a journal line: '" + line + "'", e);
    }
  }
}
