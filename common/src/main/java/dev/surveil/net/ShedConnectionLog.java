package dev.surveil.net;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the connections a {@link LineServer} closed to protect its slots, by peer address, and
 * logs them as one WARN line per interval at most, so that a flood of connections does not
 * become a flood of log lines. Thread-safe.
 */
final class ShedConnectionLog {
  private static final Logger log = LoggerFactory.getLogger(ShedConnectionLog.class);
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Why a connection was closed. */
  enum Reason { REFUSED, DISPLACED, TOO_SLOW }

  private final String server;
  private final String limits;
  private final Map<InetAddress, long[]> counts = new HashMap<>();
  private long lastReport;
  private boolean reported;

  ShedConnectionLog(String server, ServerOptions options) {
    this.server = server;
    this.limits = options.maxConnectionsPerPeer() + " per peer, " + options.maxConnections()
        + " in all, " + options.busyRequestTimeout().toMillis() + " ms per request when busy";
  }

  synchronized void count(InetAddress peer, Reason reason) {
    counts.computeIfAbsent(peer, p -> new long[Reason.values().length])[reason.ordinal()]++;
  }

  /** Logs what was counted since the last report, if anything, and at most once per interval. */
  synchronized void report(long now) {
    if (counts.isEmpty() || (reported && now - lastReport < INTERVAL_NANOS)) {
      return;
    }
    StringBuilder peers = new StringBuilder();
    counts.entrySet().stream()
        .sorted((a, b) -> Long.compare(total(b.getValue()), total(a.getValue())))
        .limit(5)
        .forEach(e -> peers.append(' ').append(e.getKey().getHostAddress())
            .append("(refused=").append(e.getValue()[0])
            .append(",displaced=").append(e.getValue()[1])
            .append(",tooSlow=").append(e.getValue()[2]).append(')'));
    log.warn("server={} closed connections to keep its slots{}{} (limits: {})", server, peers,
        counts.size() > 5 ? " and " + (counts.size() - 5) + " more peers" : "", limits);
    counts.clear();
    lastReport = now;
    reported = true;
  }

  private static long total(long[] counts) {
    return counts[0] + counts[1] + counts[2];
  }
}
