package dev.surveil.protocol;

import java.util.regex.Pattern;

/**
 * {@code register:<host>:<port>}: a runner joins the dispatcher's pool, giving the address the
 * dispatcher can reach it at. The host is a DNS name or an IPv4 address.
 */
public record Register(String host, int port) implements Request {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})");

  public Register {
    if (host == null || !HOST.matcher(host).matches()) {
      throw new IllegalArgumentException(
          "not a host name or IPv4 address: " + CommitId.quote(String.valueOf(host)));
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range 1-65535: " + port);
    }
  }

  @Override
  public Command command() {
    return Command.REGISTER;
  }
}
