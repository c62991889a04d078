package dev.surveil.protocol;

import java.net.InetSocketAddress;

/** A {@code host:port} address as people type it, e.g. {@code localhost:8888}. Immutable. */
public record HostAndPort(String host, int port) {
  public HostAndPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range 0-65535: " + port);
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException naming the text, if it is not {@code host:port}
   */
  public static HostAndPort parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected host:port, e.g. localhost:8888, but got '"
          + text + "'");
    }
    String port = text.substring(colon + 1);
    // ASCII only: Character.isDigit and Integer.parseInt also take digits such as '\u0663'
    if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("port is not a number in '" + text + "'");
    }
    return new HostAndPort(text.substring(0, colon), Integer.parseInt(port));
  }

  /** A socket address for connecting; the host name is resolved (looked up) here. */
  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
