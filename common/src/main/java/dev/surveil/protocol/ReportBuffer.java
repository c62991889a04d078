package dev.surveil.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The report of a {@code results} request as it arrives, for {@link MessageReader}: it reserves
 * its declared length from a {@link ByteBudget} first, then its bytes go into chunks of the
 * budget, taken one at a time as they fill (so it allocates what has arrived, never what the
 * header declares) and fed to the request's MAC check, if any, as they arrive. After the
 * declared length it holds what the peer sends next, which may only be one
 * {@code \n} or {@code \r\n}: more is refused, as the header understated the report. Not
 * thread-safe; {@link #release()} gives its chunks back.
 */
final class ReportBuffer {
  /** The bytes after the report kept to quote in a refusal. */
  private static final int MAX_TRAILER = 80;

  private final int declared;
  private final int chunkBytes;
  private final ByteBudget.Reservation reservation;
  private final RequestAuthenticator.Check mac; // null if the request is not authenticated
  private final List<byte[]> chunks = new ArrayList<>();
  private final byte[] trailer = new byte[MAX_TRAILER];
  private int received;
  private int trailerLength;

  private ReportBuffer(int declared, ByteBudget budget, ByteBudget.Reservation reservation,
      RequestAuthenticator.Check mac) {
    this.declared = declared;
    this.chunkBytes = budget.chunkBytes();
    this.reservation = reservation;
    this.mac = mac;
  }

  /**
   * A buffer for a report of {@code declared} bytes, with its memory reserved from
   * {@code budget} (waiting as the budget says).
   *
   * @param mac the request's MAC check, fed the report as it arrives; null if none
   * @throws ProtocolException if the budget has no memory for it
   */
  static ReportBuffer reserve(int declared, ByteBudget budget, RequestAuthenticator.Check mac)
      throws IOException {
    if (declared > budget.capacityBytes()) {
      throw new ProtocolException("report of " + declared + " bytes is more than the "
          + budget.capacityBytes() + " bytes this server has for reports");
    }
    ByteBudget.Reservation reservation = budget.reserve(declared);
    if (reservation == null) {
      throw new ProtocolException("no memory for a report of " + declared + " bytes: the "
          + budget.capacityBytes() + " bytes for reports stayed in use by other connections for "
          + budget.maxWait().toMillis() + " ms");
    }
    return new ReportBuffer(declared, budget, reservation, mac);
  }

  /**
   * Takes bytes already read: the report's first, then what follows it.
   *
   * @throws ProtocolException if what follows the report is not a terminator, or no memory
   */
  void take(byte[] bytes, int offset, int length) throws IOException {
    int end = offset + length;
    while (offset < end && received < declared) {
      byte[] chunk = chunkWithSpace();
      int at = received % chunkBytes;
      int n = Math.min(end - offset, Math.min(declared - received, chunk.length - at));
      System.arraycopy(bytes, offset, chunk, at, n);
      arrived(chunk, at, n);
      offset += n;
    }
    int n = Math.min(end - offset, MAX_TRAILER - trailerLength);
    System.arraycopy(bytes, offset, trailer, trailerLength, n);
    trailerLength += n;
    checkTrailer();
  }

  /**
   * Reads the next bytes: of the report until it is full, then of what follows it.
   *
   * @return what {@link InputStream#read(byte[], int, int)} returned
   * @throws ProtocolException if what follows the report is not a terminator, or no memory
   */
  int readFrom(InputStream in) throws IOException {
    if (received < declared) {
      byte[] chunk = chunkWithSpace();
      int at = received % chunkBytes;
      int n = in.read(chunk, at, Math.min(declared - received, chunk.length - at));
      if (n > 0) {
        arrived(chunk, at, n);
      }
      return n;
    }
    int n = in.read(trailer, trailerLength, MAX_TRAILER - trailerLength);
    if (n > 0) {
      trailerLength += n;
      checkTrailer();
    }
    return n;
  }

  /** Whether all the declared bytes have arrived. */
  boolean full() {
    return received == declared;
  }

  /** Whether the report is full and a terminator followed it: nothing more can belong to it. */
  boolean terminated() {
    return full() && trailerLength > 0 && trailer[trailerLength - 1] == '\n';
  }

  /** How many bytes have arrived, the report's and those after it. */
  long received() {
    return (long) received + trailerLength;
  }

  /** The declared length. */
  int declared() {
    return declared;
  }

  /** The report's bytes; call once it is {@link #full()}. */
  byte[] toArray() {
    if (!full()) {
      throw new IllegalStateException("report has " + received + " of " + declared + " bytes");
    }
    byte[] report = new byte[declared];
    int at = 0;
    for (byte[] chunk : chunks) {
      int n = Math.min(chunk.length, declared - at);
      System.arraycopy(chunk, 0, report, at, n);
      at += n;
    }
    return report;
  }

  /** Gives the reserved memory back to the budget. Idempotent. */
  void release() {
    chunks.clear();
    reservation.close();
  }

  private byte[] chunkWithSpace() {
    int index = received / chunkBytes;
    if (index < chunks.size()) {
      return chunks.get(index);
    }
    byte[] chunk = reservation.takeChunk();
    chunks.add(chunk);
    return chunk;
  }

  private void arrived(byte[] chunk, int at, int n) {
    if (mac != null) {
      mac.update(chunk, at, n);
    }
    received += n;
  }

  /** Only {@code \n}, {@code \r} (its {@code \n} may still come) or {@code \r\n} may follow. */
  private void checkTrailer() throws ProtocolException {
    boolean ok = switch (trailerLength) {
      case 0 -> true;
      case 1 -> trailer[0] == '\n' || trailer[0] == '\r';
      case 2 -> trailer[0] == '\r' && trailer[1] == '\n';
      default -> false;
    };
    if (!ok) {
      throw new ProtocolException("report longer than its declared " + declared + " bytes: "
          + CommitId.quote(new String(trailer, 0, trailerLength, StandardCharsets.UTF_8))
          + " follows it");
    }
  }
}
