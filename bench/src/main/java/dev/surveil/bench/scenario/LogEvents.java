package dev.surveil.bench.scenario;

import java.util.regex.Pattern;

/**
 * The regular expressions of the programs' INFO lines the bench times commits with (their exact
 * wording is fixed in docs and tests). Stateless and thread-safe.
 */
final class LogEvents {
  private LogEvents() {}

  /** Dispatcher: a commit entered the queue. */
  static String queued(String commit) {
    return "^queued commit " + commit + "$";
  }

  /** Dispatcher: a runner accepted {@code runtest}; group 1 is the runner's address. */
  static String dispatched(String commit) {
    return "^dispatched commit " + commit + " to runner (\\S+)";
  }

  /** Dispatcher: the result file was written. */
  static String stored(String commit) {
    return "^stored result for commit " + commit + " ";
  }

  /** Dispatcher: a runner was removed; group 1 is the reason. */
  static String removed(String runner) {
    return "^removed runner " + Pattern.quote(runner) + ": (.*)";
  }

  /** Runner: the test job began (checkout first). */
  static String started(String commit) {
    return "^started testing commit " + commit + "$";
  }

  /** Runner: the checkout is done (a line being added to the runner; may be absent). */
  static Pattern checkedOut(String commit) {
    return Pattern.compile("^checked out commit " + commit + " in (\\d+) ?ms");
  }

  /** Runner: the tests ran; group 1 is the executor's duration in ms (compile + test JVM). */
  static String finished(String commit) {
    return "^finished testing commit " + commit + " .*duration=(\\d+)ms";
  }

  /** Runner: the dispatcher took the report. */
  static String delivered(String commit) {
    return "^delivered results for commit " + commit + "$";
  }
}
