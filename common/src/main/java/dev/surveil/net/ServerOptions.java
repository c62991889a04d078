package dev.surveil.net;

import dev.surveil.auth.RequestVerifier;
import dev.surveil.auth.Secret;
import dev.surveil.protocol.ByteBudget;
import dev.surveil.protocol.Limits;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link LineServer} treats its peers. Immutable.
 *
 * @param limits the request size limits
 * @param requestTimeout how long a peer may take to send its whole request
 * @param quietPeriod how long a peer that sent an unterminated request may stay silent before
 *     what it sent is taken as the whole request (the chapter's programs send no terminator)
 * @param maxConnections connections served at once; when all are taken, a new connection takes
 *     the place of the oldest unfinished one of the peer holding the most, or is closed
 * @param maxConnectionsPerPeer connections one peer address may hold at once
 * @param busyRequestTimeout how long a peer may take to send its whole request while more than
 *     half of the connections are taken (the server is busy); never longer than
 *     {@code requestTimeout}
 * @param verifier if present, every request must be signed with the verifier's secret, and
 *     others are answered {@code Unauthorized}; if empty, requests are not authenticated
 * @param reportBudget the memory all connections together may hold for reports being received
 *     (at least one report of the limit); servers given the same options share it
 */
public record ServerOptions(Limits limits, Duration requestTimeout, Duration quietPeriod,
    int maxConnections, int maxConnectionsPerPeer, Duration busyRequestTimeout,
    Optional<RequestVerifier> verifier, ByteBudget reportBudget) {
  // before DEFAULT, which uses it
  /** The request deadline while the server is busy, unless the options say otherwise. */
  public static final Duration DEFAULT_BUSY_REQUEST_TIMEOUT = Duration.ofSeconds(1);

  /**
   * 1 KiB lines, 16 MiB reports, 10 s per request (1 s when busy), 50 ms quiet period, 256
   * connections and 32 per peer address, no authentication, 64 MiB for the reports of all
   * connections (of every server with these options) together.
   */
  public static final ServerOptions DEFAULT =
      new ServerOptions(Limits.DEFAULT, Duration.ofSeconds(10), Duration.ofMillis(50), 256);

  public ServerOptions {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(reportBudget, "reportBudget");
    if (reportBudget.capacityBytes() < limits.maxReportBytes()) {
      throw new IllegalArgumentException("a report budget of " + reportBudget.capacityBytes()
          + " bytes cannot hold a report of the limit, " + limits.maxReportBytes() + " bytes");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
    }
    if (maxConnectionsPerPeer < 1 || maxConnectionsPerPeer > maxConnections) {
      throw new IllegalArgumentException("maxConnectionsPerPeer must be 1-" + maxConnections
          + ": " + maxConnectionsPerPeer);
    }
    if (quietPeriod.isNegative() || quietPeriod.isZero()) {
      throw new IllegalArgumentException("quietPeriod must be positive: " + quietPeriod);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
    }
    if (busyRequestTimeout.isNegative() || busyRequestTimeout.isZero()
        || busyRequestTimeout.compareTo(requestTimeout) > 0) {
      throw new IllegalArgumentException("busyRequestTimeout must be positive and at most "
          + requestTimeout + ": " + busyRequestTimeout);
    }
  }

  /**
   * Options without authentication; one peer address may hold an eighth of the connections
   * (at least 1), a busy server waits at most 1 s (or {@code requestTimeout}) for a request, and
   * the options have a report budget of their own ({@link ByteBudget#forReports}).
   */
  public ServerOptions(
      Limits limits, Duration requestTimeout, Duration quietPeriod, int maxConnections) {
    this(limits, requestTimeout, quietPeriod, maxConnections, Math.max(1, maxConnections / 8),
        min(DEFAULT_BUSY_REQUEST_TIMEOUT, requestTimeout), Optional.empty(),
        ByteBudget.forReports(limits.maxReportBytes()));
  }

  /**
   * Connections kept for connections whose request verified and for peer addresses that sent an
   * authenticated request in the last 5 minutes: a quarter of {@link #maxConnections()} when a
   * verifier is set, else none.
   */
  public int authenticatedReserve() {
    return verifier.isPresent() ? maxConnections / 4 : 0;
  }

  /**
   * These options with another report size limit, and a new report budget if the current one
   * cannot hold a report of that size.
   */
  public ServerOptions withMaxReportBytes(int maxReportBytes) {
    ByteBudget budget = reportBudget.capacityBytes() >= maxReportBytes
        ? reportBudget : ByteBudget.forReports(maxReportBytes);
    return new ServerOptions(new Limits(limits.maxLineBytes(), maxReportBytes), requestTimeout,
        quietPeriod, maxConnections, maxConnectionsPerPeer, busyRequestTimeout, verifier, budget);
  }

  /** These options with {@code budget} for the reports of all connections together. */
  public ServerOptions withReportBudget(ByteBudget budget) {
    return new ServerOptions(limits, requestTimeout, quietPeriod, maxConnections,
        maxConnectionsPerPeer, busyRequestTimeout, verifier, budget);
  }

  /** These options with other connection limits: in all, and per peer address. */
  public ServerOptions withConnectionLimits(int maxConnections, int maxConnectionsPerPeer) {
    return new ServerOptions(limits, requestTimeout, quietPeriod, maxConnections,
        maxConnectionsPerPeer, busyRequestTimeout, verifier, reportBudget);
  }

  /** These options with another request deadline for a busy server. */
  public ServerOptions withBusyRequestTimeout(Duration busyRequestTimeout) {
    return new ServerOptions(limits, requestTimeout, quietPeriod, maxConnections,
        maxConnectionsPerPeer, busyRequestTimeout, verifier, reportBudget);
  }

  /**
   * These options with every request authenticated by {@code verifier}. Servers given the same
   * options share its replay cache, which is harmless.
   */
  public ServerOptions withVerifier(RequestVerifier verifier) {
    return new ServerOptions(limits, requestTimeout, quietPeriod, maxConnections,
        maxConnectionsPerPeer, busyRequestTimeout, Optional.of(verifier), reportBudget);
  }

  /**
   * These options authenticated with {@code secret} (a new {@link RequestVerifier} with the
   * system clock), or unchanged if there is no secret.
   */
  public ServerOptions withSecret(Optional<Secret> secret) {
    return secret.map(s -> withVerifier(new RequestVerifier(s))).orElse(this);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
