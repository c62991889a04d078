package dev.surveil.protocol;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The memory that all the connections of a server (or of every server given the same
 * {@link dev.surveil.net.ServerOptions}) may hold for {@code results} reports being received,
 * in fixed-size chunks. A {@link MessageReader} {@linkplain #reserve reserves} a report's
 * declared length when its header arrives, all or nothing, and takes the chunks as the report's
 * bytes arrive; it gives them back when its request is read or refused. All or nothing, because
 * reports that each held part of the budget while waiting for more would wait for each other:
 * none could finish. When the budget cannot grant a reservation, the reader waits at most
 * {@link #maxWait()} (fairly: first come, first served; a report that failed its MAC or timed
 * out gives its memory back at once), then its request is refused.
 *
 * <p>Chunks given back are kept for the next report, so at most {@link #capacityBytes()} bytes
 * are ever allocated for reports, and a flood of reports makes no garbage. Thread-safe; a
 * {@link Reservation} is not.
 */
public final class ByteBudget {
  /** The size of a chunk: small enough that a small report wastes little. */
  public static final int CHUNK_BYTES = 64 * 1024;
  /** The budget of a server: four reports of the default 16 MiB limit at once. */
  public static final long DEFAULT_BYTES = 64L * 1024 * 1024;
  /** How long a reader waits for memory when too much is taken. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(1);

  private final int chunkBytes;
  private final int chunks;
  private final Duration maxWait;
  private final Semaphore permits;
  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger allocated = new AtomicInteger();

  /**
   * @param capacityBytes how many bytes all reports may hold together; rounded up to chunks
   * @param chunkBytes the size of each chunk
   * @param maxWait how long {@link #reserve} waits for memory when too much is taken
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
   * Reserves the chunks that {@code bytes} need, waiting at most {@link #maxWait()} for them;
   * null if they were not given back in time. Close the reservation to give them back.
   *
   * @throws IllegalArgumentException if {@code bytes} is more than the whole budget
   * @throws InterruptedIOException if interrupted while waiting (the interrupt flag is set)
   */
  public Reservation reserve(long bytes) throws InterruptedIOException {
    if (bytes < 0 || bytes > capacityBytes()) {
      throw new IllegalArgumentException("cannot reserve " + bytes + " bytes of " + this);
    }
    int count = (int) ((bytes + chunkBytes - 1) / chunkBytes);
    try {
      if (!permits.tryAcquire(count, maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for report memory");
    }
    return new Reservation(count);
  }

  /** The size of each chunk. */
  public int chunkBytes() {
    return chunkBytes;
  }

  /** How many bytes all reports may hold together. */
  public long capacityBytes() {
    return (long) chunks * chunkBytes;
  }

  /** How many bytes are reserved now; for tests and diagnostics. */
  public long reservedBytes() {
    return (long) (chunks - permits.availablePermits()) * chunkBytes;
  }

  /** How many bytes of chunks were ever allocated (they are reused); for tests. */
  public long allocatedBytes() {
    return (long) allocated.get() * chunkBytes;
  }

  /** How long a reader waits for memory when too much is taken. */
  public Duration maxWait() {
    return maxWait;
  }

  @Override
  public String toString() {
    return "ByteBudget[" + capacityBytes() + " bytes in chunks of " + chunkBytes + "]";
  }

  /**
   * Chunks reserved for one report: taken one at a time as its bytes arrive, all given back by
   * {@link #close()}. Not thread-safe: one per reader.
   */
  public final class Reservation implements AutoCloseable {
    private final int count;
    private final List<byte[]> taken = new ArrayList<>();
    private boolean closed;

    private Reservation(int count) {
      this.count = count;
    }

    /** The next chunk of the reservation; its contents are whatever its last user left. */
    public byte[] takeChunk() {
      if (closed || taken.size() == count) {
        throw new IllegalStateException("reservation of " + count + " chunks "
            + (closed ? "closed" : "used up"));
      }
      byte[] chunk = free.poll();
      if (chunk == null) {
        chunk = new byte[chunkBytes];
        allocated.incrementAndGet();
      }
      taken.add(chunk);
      return chunk;
    }

    /** Gives every chunk reserved back to the budget. Idempotent. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      free.addAll(taken);
      taken.clear();
      permits.release(count);
    }
  }
}
