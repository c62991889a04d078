package dev.surveil.bench.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits ping arrivals into heartbeat rounds: a new round begins where no ping arrived for
 * longer than a gap (half the heartbeat interval). A round's sweep time is the spread between
 * its first and its last ping. Stateless and thread-safe.
 */
public final class HeartbeatRounds {
  /** One round: its first and last arrival ({@link System#nanoTime}), pings and runners. */
  public record Round(long firstNanos, long lastNanos, int pings, int runners) {
    /** The time from the round's first ping to its last, in ms. */
    public double spreadMillis() {
      return (lastNanos - firstNanos) / 1e6;
    }

    /** Whether every one of {@code expected} runners got exactly one ping. */
    public boolean isComplete(int expected) {
      return pings == expected && runners == expected;
    }
  }

  private HeartbeatRounds() {}

  /** The rounds in {@code pings}, which are in arrival order. */
  public static List<Round> split(List<RunnerTraffic.Ping> pings, long gapNanos) {
    List<Round> rounds = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= pings.size(); i++) {
      if (i == pings.size() || pings.get(i).nanos() - pings.get(i - 1).nanos() > gapNanos) {
        rounds.add(round(pings.subList(start, i)));
        start = i;
      }
    }
    return rounds;
  }

  private static Round round(List<RunnerTraffic.Ping> pings) {
    Set<Integer> runners = new HashSet<>();
    pings.forEach(p -> runners.add(p.runner()));
    return new Round(pings.get(0).nanos(), pings.get(pings.size() - 1).nanos(), pings.size(),
        runners.size());
  }
}
