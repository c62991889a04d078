package dev.surveil.protocol;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The memory that all the connections of a server (or of every server given the same
 * {@link dev.surveil.net.ServerOptions}) may hold for {@code results} reports being received,
 * handed out in fixed-size chunks. A {@link MessageReader} takes a chunk before it reads more
 * report bytes, so a report holds only what has arrived, never what its header declares; and
 * it gives its chunks back when its request is read or refused. When every chunk is taken, a
 * reader waits at most {@link #maxWait()} for one (a peer whose report failed its MAC or timed
 * out gives its chunks back at once), then its request is refused.
 *
 * <p>Chunks given back are kept for the next report, so at most {@link #capacityBytes()} bytes
 * are ever allocated for reports, and a flood of reports makes no garbage. Thread-safe.
 */
public final class ByteBudget {
  /** The size of a chunk: small enough that a small report wastes little. */
  public static final int CHUNK_BYTES = 64 * 1024;
  /** The budget of a server: four reports of the default 16 MiB limit at once. */
  public static final long DEFAULT_BYTES = 64L * 1024 * 1024;
  /** How long a reader waits for a chunk when all are taken. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(1);

  private final int chunkBytes;
  private final int chunks;
  private final Duration maxWait;
  private final Semaphore permits;
  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();

  /**
   * @param capacityBytes how many bytes all reports may hold together; rounded up to chunks
   * @param chunkBytes the size of each chunk
   * @param maxWait how long {@link #takeChunk()} waits for a chunk when all are taken
   */
  public ByteBudget(long capacityBytes, int chunkBytes, Duration maxWait) {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be positive: " + chunkBytes);
    }
    if (capacityBytes < chunkBytes) {
      throw new IllegalArgumentException("capacityBytes must hold a chunk of " + chunkBytes
          + " bytes: " + capacityBytes);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    long count = (capacityBytes + chunkBytes - 1) / chunkBytes;
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many chunks: " + count);
    }
    this.chunkBytes = chunkBytes;
    this.chunks = (int) count;
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    // Fair: a reader that waits gets the next chunk given back, not a newcomer.
    this.permits = new Semaphore(chunks, true);
  }

  /** A budget of {@code capacityBytes} in 64 KiB chunks, with a 1 s wait. */
  public static ByteBudget ofBytes(long capacityBytes) {
    return new ByteBudget(capacityBytes, CHUNK_BYTES, DEFAULT_WAIT);
  }

  /**
   * The budget for a server whose reports may be {@code maxReportBytes} long: 64 MiB, or four
   * such reports if that is more, so that one report always fits.
   */
  public static ByteBudget forReports(int maxReportBytes) {
    return ofBytes(Math.max(DEFAULT_BYTES, 4L * Math.max(maxReportBytes, CHUNK_BYTES)));
  }

  /**
   * A chunk of {@link #chunkBytes()} bytes (its contents are whatever its last user left), or
   * null if none was given back within {@link #maxWait()}. Give it back with {@link #release}.
   *
   * @throws InterruptedIOException if interrupted while waiting (the interrupt flag is set)
   */
  public byte[] takeChunk() throws InterruptedIOException {
    try {
      if (!permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for report memory");
    }
    byte[] chunk = free.poll();
    return chunk != null ? chunk : new byte[chunkBytes];
  }

  /** Gives back a chunk from {@link #takeChunk()}. */
  public void release(byte[] chunk) {
    if (chunk.length != chunkBytes) {
      throw new IllegalArgumentException("not a chunk of this budget: " + chunk.length
          + " bytes");
    }
    free.add(chunk);
    permits.release();
  }

  /** The size of each chunk. */
  public int chunkBytes() {
    return chunkBytes;
  }

  /** How many bytes all reports may hold together. */
  public long capacityBytes() {
    return (long) chunks * chunkBytes;
  }

  /** How many bytes are taken now; for tests and diagnostics. */
  public long takenBytes() {
    return (long) (chunks - permits.availablePermits()) * chunkBytes;
  }

  /** How long a reader waits for a chunk when all are taken. */
  public Duration maxWait() {
    return maxWait;
  }

  @Override
  public String toString() {
    return "ByteBudget[" + capacityBytes() + " bytes in chunks of " + chunkBytes + "]";
  }
}
