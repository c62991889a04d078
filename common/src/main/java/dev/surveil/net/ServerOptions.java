package dev.surveil.net;

import dev.surveil.protocol.ByteBudget;
import dev.surveil.protocol.Limits;
import dev.surveil.protocol.RequestVerifier;
import dev.surveil.protocol.Secret;
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
 * @param maxConnections connections served at once; more wait in the listen backlog
 * @param verifier if present, every request must be signed with the verifier's secret, and
 *     others are answered {@code Unauthorized}; if empty, requests are not authenticated
 * @param reportBudget the memory all connections together may hold for reports being received
 *     (at least one report of the limit); servers given the same options share it
 */
public record ServerOptions(Limits limits, Duration requestTimeout, Duration quietPeriod,
    int maxConnections, Optional<RequestVerifier> verifier, ByteBudget reportBudget) {
  /**
   * 1 KiB lines, 16 MiB reports, 10 s per request, 50 ms quiet period, 256 connections, no
   * authentication, 64 MiB for the reports of all connections (of every server with these
   * options) together.
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
    if (quietPeriod.isNegative() || quietPeriod.isZero()) {
      throw new IllegalArgumentException("quietPeriod must be positive: " + quietPeriod);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
    }
  }

  /** Options with a report budget of their own ({@link ByteBudget#forReports}). */
  public ServerOptions(Limits limits, Duration requestTimeout, Duration quietPeriod,
      int maxConnections, Optional<RequestVerifier> verifier) {
    this(limits, requestTimeout, quietPeriod, maxConnections, verifier,
        ByteBudget.forReports(limits.maxReportBytes()));
  }

  /** Options without authentication, with a report budget of their own. */
  public ServerOptions(
      Limits limits, Duration requestTimeout, Duration quietPeriod, int maxConnections) {
    this(limits, requestTimeout, quietPeriod, maxConnections, Optional.empty());
  }

  /**
   * These options with another report size limit, and a new report budget if the current one
   * cannot hold a report of that size.
   */
  public ServerOptions withMaxReportBytes(int maxReportBytes) {
    ByteBudget budget = reportBudget.capacityBytes() >= maxReportBytes
        ? reportBudget : ByteBudget.forReports(maxReportBytes);
    return new ServerOptions(new Limits(limits.maxLineBytes(), maxReportBytes), requestTimeout,
        quietPeriod, maxConnections, verifier, budget);
  }

  /** These options with {@code budget} for the reports of all connections together. */
  public ServerOptions withReportBudget(ByteBudget budget) {
    return new ServerOptions(limits, requestTimeout, quietPeriod, maxConnections, verifier,
        budget);
  }

  /**
   * These options with every request authenticated by {@code verifier}. Servers given the same
   * options share its replay cache, which is harmless.
   */
  public ServerOptions withVerifier(RequestVerifier verifier) {
    return new ServerOptions(limits, requestTimeout, quietPeriod, maxConnections,
        Optional.of(verifier), reportBudget);
  }

  /**
   * These options authenticated with {@code secret} (a new {@link RequestVerifier} with the
   * system clock), or unchanged if there is no secret.
   */
  public ServerOptions withSecret(Optional<Secret> secret) {
    return secret.map(s -> withVerifier(new RequestVerifier(s))).orElse(this);
  }
}
