package dev.surveil.dispatcher;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Whether a connection comes from a runner's registered host: the connection's source address
 * must be one of the addresses the host name resolves to now. One allowance: a runner registered
 * under a name or address of this machine (say {@code build-7}, or {@code 127.0.1.1}) that
 * reaches a dispatcher on this machine through {@code localhost} connects from the loopback
 * address {@code 127.0.0.1} (or {@code ::1}), which is accepted for it. Any other address is a
 * different sender, including another loopback address such as {@code 127.0.0.2}. Thread-safe
 * (stateless); may block on a name lookup (the JVM caches answers for 30 s).
 */
final class RunnerAddresses {
  private RunnerAddresses() {}

  /** Whether {@code peer} is an address of {@code host}, as above. */
  static boolean isFrom(String host, InetAddress peer) {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return false;
    }
    for (InetAddress address : addresses) {
      if (address.equals(peer)) {
        return true;
      }
    }
    if (!isPlainLoopback(peer)) {
      return false;
    }
    for (InetAddress address : addresses) {
      if (isThisMachine(address)) {
        return true;
      }
    }
    return false;
  }

  /** {@code 127.0.0.1} or {@code ::1}: where a connection to {@code localhost} comes from. */
  private static boolean isPlainLoopback(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return bytes[0] == 127 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 1;
    }
    for (int i = 0; i < 15; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[15] == 1;
  }

  private static boolean isThisMachine(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
