package dev.surveil.protocol;

import dev.surveil.time.Ticker;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Reads one request from a byte stream, however the bytes are split into reads. Not thread-safe;
 * use one reader per connection.
 *
 * <p>A request is complete when any of these holds:
 * <ol>
 *   <li>it is {@code results:<commit>:<length>:} followed by {@code <length>} bytes of report,
 *       and then a {@code \n} (or {@code \r\n}), the end of the stream, or one quiet period
 *       (see below) without a byte: any other byte after the report means the header
 *       understated its length, and the request is refused;
 *   <li>a {@code \n} arrives (a {@code \r} before it is dropped);
 *   <li>the bytes so far are a request that no further byte could turn into another one
 *       ({@link RequestPrefix}: e.g. {@code status}, or {@code dispatch:} with a 40-digit id),
 *       perhaps followed by a {@code \r} whose {@code \n} has not arrived, and no more bytes
 *       have arrived ({@link InputStream#available()}) that could still belong to it;
 *   <li>the stream ends (the peer half-closed or closed the connection);
 *   <li>the stream stays quiet for one read timeout of the underlying stream (the server sets a
 *       short {@code SO_TIMEOUT}, the quiet period) and the bytes so far parse as a request.
 *       This serves a peer that sends no terminator and waits, as the chapter's programs do,
 *       when its request could still grow (e.g. {@code register:host:1234}).
 * </ol>
 * Bytes that no further byte can make a request (an unknown keyword, {@code status:x}, a
 * non-hex commit id) are refused at once. So is a request that is incomplete when the stream goes
 * quiet: a peer writes its request at once, so the rest is not coming. A line longer than
 * {@link Limits#maxLineBytes()}, a report longer than {@link Limits#maxReportBytes()} (refused
 * from its header, before any of it is buffered), a report for which the {@link ByteBudget} has
 * no memory, or no complete request before the deadline (checked before every read, so a peer
 * trickling bytes is cut off too) raise {@link ProtocolException}. A report reserves its length
 * from the budget when its header arrives, is held in chunks of the budget taken as its bytes
 * arrive, and gives them back when the request is read or refused.
 *
 * <p>{@link #readSignedRequest()} first reads an {@link AuthLine} ending in {@code \n}, then the
 * request as above; the auth line counts against {@link Limits#maxLineBytes()}. Bytes that cannot
 * begin an auth line, or a malformed one, raise {@link AuthenticationException} at once.
 * {@link #readAuthenticatedRequest} also verifies it, as early as each check can be made: the
 * auth line's timestamp and nonce as soon as the auth line is read, before a byte of the request;
 * the MAC over the report as its bytes arrive, so that a report is never kept past its last byte
 * unless its MAC is right.
 */
public final class MessageReader {
  private static final byte[] RESULTS_PREFIX =
      (Command.RESULTS.token() + ":").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AUTH_PREFIX =
      LineCodec.AUTH_PREFIX.getBytes(StandardCharsets.US_ASCII);

  private final InputStream in;
  private final Limits limits;
  private final Ticker ticker;
  private final long timeoutNanos;
  private final ByteBudget budget;

  // The auth line and the request line or results header; never more than the line limit.
  private byte[] buffer = new byte[512];
  private int length;
  // Where the request starts: after the auth line, if one is expected; -1 until it has been read.
  private int start;
  private AuthLine auth;
  private RequestAuthenticator verifier; // set by readAuthenticatedRequest
  private RequestAuthenticator.Check verification;
  // Set once a results header has been read: the header, and the report as it arrives.
  private LineCodec.ResultsHeader resultsHeader;
  private ReportBuffer report;

  /** A reader with a budget of its own, for a single report of the limit. */
  public MessageReader(InputStream in, Limits limits, Ticker ticker, Duration timeout) {
    this(in, limits, ticker, timeout,
        new ByteBudget(Math.max(limits.maxReportBytes(), ByteBudget.CHUNK_BYTES),
            ByteBudget.CHUNK_BYTES, Duration.ZERO));
  }

  /** A reader whose report takes its memory from {@code budget}, shared with other readers. */
  public MessageReader(InputStream in, Limits limits, Ticker ticker, Duration timeout,
      ByteBudget budget) {
    this.in = in;
    this.limits = limits;
    this.ticker = ticker;
    this.timeoutNanos = timeout.toNanos();
    this.budget = budget;
  }

  /**
   * Reads and parses one request.
   *
   * @throws EOFException if the stream ends before any byte arrives
   * @throws ProtocolException if the bytes are not a request, break a limit or stall
   */
  public Request readRequest() throws IOException {
    checkFirstRead("readRequest");
    start = 0;
    return read();
  }

  /**
   * Reads an auth line and the request after it, and parses both. Call it once, instead of
   * {@link #readRequest()}; the request is not verified here.
   *
   * @throws EOFException if the stream ends before any byte arrives
   * @throws AuthenticationException if the bytes do not begin with a well-formed auth line
   * @throws ProtocolException if the request after it is not a request, breaks a limit or stalls
   */
  public SignedRequest readSignedRequest() throws IOException {
    checkFirstRead("readSignedRequest");
    start = -1;
    Request request = read();
    return new SignedRequest(auth, request);
  }

  /**
   * Reads an auth line and the request after it, and verifies them with {@code verifier}: the
   * auth line's timestamp and nonce before a byte of the request is read, the MAC as the
   * request arrives. Call it once, instead of {@link #readRequest()}.
   *
   * @return the request with its verified auth line, to which a reply is bound
   * @throws EOFException if the stream ends before any byte arrives
   * @throws AuthenticationException if there is no well-formed auth line, or it fails a check
   * @throws ProtocolException if the request after it is not a request, breaks a limit or stalls
   */
  public SignedRequest readAuthenticatedRequest(RequestAuthenticator verifier)
      throws IOException {
    checkFirstRead("readAuthenticatedRequest");
    start = -1;
    this.verifier = verifier;
    Request request = read();
    if (report == null) { // a report was verified as it arrived
      verification.update(LineCodec.format(request));
      verification.finish(request.command());
    }
    return new SignedRequest(auth, request);
  }

  private void checkFirstRead(String method) {
    if (length > 0 || auth != null || report != null) {
      throw new IllegalStateException(method + " must be the reader's first read");
    }
  }

  private Request read() throws IOException {
    try {
      return readUnverified();
    } finally {
      if (report != null) {
        report.release();
      }
    }
  }

  private Request readUnverified() throws IOException {
    long deadline = ticker.read() + timeoutNanos;
    while (true) {
      Request complete = completeRequest();
      if (complete != null) {
        return complete;
      }
      // Checked before every read, not only after a quiet one: a peer trickling a byte at a time
      // must not hold the connection past the deadline either.
      if (ticker.read() - deadline >= 0) {
        if (report != null && report.full()) {
          return completeReport(); // nothing came after it
        }
        throw stalled();
      }
      int n;
      try {
        n = readMore();
      } catch (SocketTimeoutException quiet) {
        Request unterminated = quietRequest();
        if (unterminated != null) {
          return unterminated;
        }
        continue;
      }
      if (n < 0) {
        return endOfStream();
      }
    }
  }

  /** Reads into the report once its header has been read, else into the line buffer. */
  private int readMore() throws IOException {
    if (report != null) {
      return report.readFrom(in);
    }
    if (length == buffer.length) {
      buffer = Arrays.copyOf(buffer, nextCapacity());
    }
    int n = in.read(buffer, length, buffer.length - length);
    if (n > 0) {
      length += n;
    }
    return n;
  }

  private ProtocolException stalled() {
    long received = length + (report == null ? 0 : report.received());
    return new ProtocolException("no complete request within " + timeoutNanos / 1_000_000
        + " ms after " + received + " bytes" + (length == 0 ? "" : ": " + quotedBuffer()));
  }

  private Request completeRequest() throws IOException {
    if (start < 0 && !completeAuthLine()) {
      return null;
    }
    if (isResults()) {
      return completeResults();
    }
    int newline = indexOf((byte) '\n', start, length);
    if (newline >= 0) {
      return LineCodec.parseRequest(text(start, newline + 1));
    }
    if (length > limits.maxLineBytes()) {
      throw new ProtocolException("request longer than " + limits.maxLineBytes()
          + " bytes without a newline");
    }
    String text = unterminatedText();
    RequestPrefix.Verdict verdict = RequestPrefix.classify(text);
    return switch (verdict.kind()) {
      // Bytes already waiting belong to this request (a terminator, or the rest of a 64-digit
      // id after 40 digits): read them first.
      case COMPLETE -> moreWaiting() ? null : LineCodec.parseRequest(text);
      case INVALID -> throw new ProtocolException(verdict.problem());
      case INCOMPLETE -> null;
    };
  }

  private boolean moreWaiting() {
    try {
      return in.available() > 0;
    } catch (IOException e) {
      return false; // the next read reports what is wrong
    }
  }

  private Request completeResults() throws IOException {
    if (report == null) {
      // The header is ASCII (or refused), so its length in characters is its length in bytes.
      String text = text(start, length);
      LineCodec.ResultsHeader header = LineCodec.parseResultsHeader(text);
      if (header == null) {
        RequestPrefix.Verdict verdict = RequestPrefix.classify(text);
        if (verdict.kind() == RequestPrefix.Kind.INVALID) {
          throw new ProtocolException(verdict.problem());
        }
        if (length > limits.maxLineBytes()) {
          throw new ProtocolException("results header longer than " + limits.maxLineBytes()
              + " bytes");
        }
        return null;
      }
      if (header.reportLength() > limits.maxReportBytes()) {
        throw new ProtocolException("report of " + header.reportLength()
            + " bytes is over the limit of " + limits.maxReportBytes() + " bytes");
      }
      if (verification != null) {
        // What the MAC covers: the request as LineCodec formats it (a lower-case commit id)
        verification.update(LineCodec.formatResultsHeader(header.commit(),
            header.reportLength()));
      }
      report = ReportBuffer.reserve(header.reportLength(), budget, verification);
      resultsHeader = header;
      int received = length;
      length = start + header.end();
      report.take(buffer, length, received - length);
    }
    // A report followed by no terminator is complete only when nothing more comes: at the end
    // of the stream, a quiet period or the deadline (see read), as more would mean the header
    // understated its length.
    return report.terminated() ? completeReport() : null;
  }

  /** The report is in: checks its MAC, if any, before anything else is done with it. */
  private Results completeReport() throws ProtocolException {
    if (verification != null) {
      verification.finish(Command.RESULTS);
    }
    byte[] bytes = report.toArray();
    report.release();
    return LineCodec.results(resultsHeader, bytes);
  }

  /**
   * The peer has sent nothing for a quiet period. Bytes that are a request are taken as the
   * whole request; bytes that are not (yet) one never will be, as a peer writes its request at
   * once: refused. Nothing at all, or a report still arriving, waits on for the deadline.
   */
  private Request quietRequest() throws ProtocolException {
    if (start < 0) {
      if (length == 0) {
        return null;
      }
      throw new AuthenticationException("the auth line stopped before its end: "
          + quotedBuffer());
    }
    if (report != null) {
      return report.full() ? completeReport() : null;
    }
    if (length == start) {
      return null;
    }
    String text = unterminatedText();
    try {
      return LineCodec.parseRequest(text);
    } catch (ProtocolException incomplete) {
      throw new ProtocolException("incomplete request, and the peer sent nothing more: "
          + CommitId.quote(text));
    }
  }

  /** The request's bytes so far, without a {@code \r} that may be half of a {@code \r\n}. */
  private String unterminatedText() {
    return text(start, length > start && buffer[length - 1] == '\r' ? length - 1 : length);
  }

  private Request endOfStream() throws IOException {
    if (length == 0) {
      throw new EOFException("connection closed before a request arrived");
    }
    if (start < 0) {
      throw new AuthenticationException("connection closed inside the auth line: "
          + quotedBuffer());
    }
    if (length == start) {
      throw new ProtocolException("connection closed after the auth line, before the request");
    }
    if (report != null) {
      if (report.full()) {
        return completeReport();
      }
      throw new ProtocolException("connection closed after " + report.received()
          + " of " + report.declared() + " report bytes");
    }
    if (isResults()) {
      throw new ProtocolException("connection closed inside the results header: "
          + quotedBuffer());
    }
    return LineCodec.parseRequest(text(start, length));
  }

  /** Reads the auth line if it is complete; refuses bytes that cannot begin one at once. */
  private boolean completeAuthLine() throws ProtocolException {
    int n = Math.min(length, AUTH_PREFIX.length);
    if (!Arrays.equals(buffer, 0, n, AUTH_PREFIX, 0, n)) {
      throw new AuthenticationException("no auth line before the request: " + quotedBuffer());
    }
    int newline = indexOf((byte) '\n', 0, Math.min(length, LineCodec.MAX_AUTH_LINE_BYTES));
    if (newline < 0) {
      if (length > limits.maxLineBytes()) {
        throw new ProtocolException("request longer than " + limits.maxLineBytes()
            + " bytes without a newline");
      }
      if (length >= LineCodec.MAX_AUTH_LINE_BYTES) {
        throw new AuthenticationException("auth line longer than "
            + LineCodec.MAX_AUTH_LINE_BYTES + " bytes: " + quotedBuffer());
      }
      return false;
    }
    auth = LineCodec.parseAuthLine(text(0, newline + 1));
    if (verifier != null) {
      // Before a byte of the request is read: a stranger's stale or replayed line goes no further.
      verification = verifier.begin(auth);
    }
    start = newline + 1;
    return true;
  }

  private boolean isResults() {
    return report != null
        || (length - start >= RESULTS_PREFIX.length && startsLike(RESULTS_PREFIX));
  }

  private boolean startsLike(byte[] prefix) {
    int n = Math.min(length - start, prefix.length);
    return Arrays.equals(buffer, start, start + n, prefix, 0, n);
  }

  // Grows to what a line can still legally need: never past the line limit (a report goes
  // into its own buffer), so a peer cannot make us buffer more than the limits allow.
  private int nextCapacity() {
    return (int) Math.min((long) buffer.length * 2, limits.maxLineBytes() + 1L);
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private String text(int from, int to) {
    return new String(buffer, from, to - from, StandardCharsets.UTF_8);
  }

  private String quotedBuffer() {
    return CommitId.quote(text(0, Math.min(length, 80)));
  }
}
