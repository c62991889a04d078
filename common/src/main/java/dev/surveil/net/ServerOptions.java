package dev.surveil.net;

import dev.surveil.protocol.Limits;
import java.time.Duration;

/**
 * How a {@link LineServer} treats its peers.
 *
 * @param limits the request size limits
 * @param requestTimeout how long a peer may take to send its whole request
 * @param quietPeriod how long a peer that sent an unterminated request may stay silent before
 *     what it sent is taken as the whole request (the chapter's programs send no terminator)
 * @param maxConnections connections served at once; more wait in the listen backlog
 */
public record ServerOptions(
    Limits limits, Duration requestTimeout, Duration quietPeriod, int maxConnections) {
  /** 1 KiB lines, 16 MiB reports, 10 s per request, 50 ms quiet period, 256 connections. */
  public static final ServerOptions DEFAULT =
      new ServerOptions(Limits.DEFAULT, Duration.ofSeconds(10), Duration.ofMillis(50), 256);

  public ServerOptions {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
    }
    if (quietPeriod.isNegative() || quietPeriod.isZero()) {
      throw new IllegalArgumentException("quietPeriod must be positive: " + quietPeriod);
    }
  }

  /** These options with another report size limit. */
  public ServerOptions withMaxReportBytes(int maxReportBytes) {
    return new ServerOptions(new Limits(limits.maxLineBytes(), maxReportBytes), requestTimeout,
        quietPeriod, maxConnections);
  }
}
