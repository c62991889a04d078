package dev.surveil.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The report of a {@code results} request as it arrives, for {@link MessageReader}: its bytes go
 * into chunks of a {@link ByteBudget}, taken one at a time as they fill (so it holds what has
 * arrived, never what the header declares) and fed to the request's MAC check, if any, as they
 * arrive. After the declared length it holds what the peer sends next, which may only be one
 * {@code \n} or {@code \r\n}: more is refused, as the header understated the report. Not
 * thread-safe; {@link #release()} gives its chunks back.
 */
final class ReportBuffer {
  /** The bytes after the report kept to quote in a refusal. */
  private static final int MAX_TRAILER = 80;

  private final int declared;
  private final ByteBudget budget;
  private final RequestVerifier.Verification mac; // null if the request is not authenticated
  private final List<byte[]> chunks = new ArrayList<>();
  private final byte[] trailer = new byte[MAX_TRAILER];
  private int received;
  private int trailerLength;

  ReportBuffer(int declared, ByteBudget budget, RequestVerifier.Verification mac) {
    this.declared = declared;
    this.budget = budget;
    this.mac = mac;
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
      int at = received % budget.chunkBytes();
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
      int at = received % budget.chunkBytes();
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

  /** Gives the chunks back to the budget. Idempotent. */
  void release() {
    for (byte[] chunk : chunks) {
      budget.release(chunk);
    }
    chunks.clear();
  }

  private byte[] chunkWithSpace() throws IOException {
    int index = received / budget.chunkBytes();
    if (index < chunks.size()) {
      return chunks.get(index);
    }
    byte[] chunk = budget.takeChunk();
    if (chunk == null) {
      throw new ProtocolException("no memory for a report of " + declared + " bytes: the "
          + budget.capacityBytes() + " bytes for reports stayed in use by other connections for "
          + budget.maxWait().toMillis() + " ms");
    }
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
