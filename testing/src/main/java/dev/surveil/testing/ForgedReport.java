package dev.surveil.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What a stranger can send a server that has a secret (issue 11): a well-formed auth line with
 * the current time, a random nonce and a made-up MAC, then a {@code results} header declaring a
 * report of the given size, then the report, as fast as the server reads it. Shared by the
 * forgery bench and the end-to-end test. Thread-safe (stateless).
 */
public final class ForgedReport {
  private static final byte[] PAYLOAD = new byte[64 * 1024];
  private static final SecureRandom RANDOM = new SecureRandom();

  private ForgedReport() {}

  /**
   * Sends one forged report of {@code reportBytes} to {@code server} for {@code commit} and
   * reads the reply; returns the reply, {@code "closed without a reply"}, or
   * {@code "cut off while sending"} if the server closed or reset the connection first.
   */
  public static String send(InetSocketAddress server, String commit, int reportBytes) {
    String header = "auth:" + System.currentTimeMillis() + ":" + hex(16) + ":" + hex(32) + "\n"
        + "results:" + commit + ":" + reportBytes + ":";
    try (Socket socket = new Socket()) {
      socket.connect(server, 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      for (int sent = 0; sent < reportBytes; sent += PAYLOAD.length) {
        out.write(PAYLOAD, 0, Math.min(PAYLOAD.length, reportBytes - sent));
      }
      out.flush();
      InputStream in = socket.getInputStream();
      String reply = new String(in.readNBytes(64), StandardCharsets.UTF_8).strip();
      return reply.isEmpty() ? "closed without a reply" : reply;
    } catch (IOException e) {
      return "cut off while sending";
    }
  }

  private static String hex(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return HexFormat.of().formatHex(value);
  }
}
