package dev.surveil.net;

import java.io.IOException;
import java.net.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing sockets that are done with, where a failure to close changes nothing. Stateless. */
public final class Sockets {
  private static final Logger log = LoggerFactory.getLogger(Sockets.class);

  private Sockets() {
  }

  /** Closes {@code socket}; a failure is logged at DEBUG, as the socket is gone either way. */
  public static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing socket failed: {}", e.toString());
    }
  }
}
