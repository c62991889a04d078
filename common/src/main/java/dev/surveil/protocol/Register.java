package dev.surveil.protocol;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code register:<host>:<port>}: a runner joins the dispatcher's pool, giving the address the
 * dispatcher can reach it at. The host is a DNS name or an IPv4 address, the port 1 to 65535.
 * Immutable.
 */
public record Register(HostAndPort runner) implements Request {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})");

  public Register {
    Objects.requireNonNull(runner, "runner");
    address(runner.host(), runner.port());
  }

  /**
   * The address of a runner as {@code register} and {@link Claim} carry it.
   *
   * @throws IllegalArgumentException if the host is not a DNS name or IPv4 address, or the port
   *     is not 1 to 65535
   */
  static HostAndPort address(String host, int port) {
    if (host == null || !isHost(host)) {
      throw new IllegalArgumentException(
          "not a host name or IPv4 address: " + CommitId.quote(String.valueOf(host)));
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range 1-65535: " + port);
    }
    return new HostAndPort(host, port);
  }

  /**
   * Whether {@code text} is a host name or IPv4 address as far as the wire is concerned: up to
   * 253 letters, digits, dots and hyphens, starting with a letter or digit. Every non-empty prefix
   * of one is one too.
   */
  static boolean isHost(String text) {
    return HOST.matcher(text).matches();
  }

  @Override
  public Command command() {
    return Command.REGISTER;
  }
}
