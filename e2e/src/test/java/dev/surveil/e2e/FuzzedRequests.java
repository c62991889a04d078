package dev.surveil.e2e;

import dev.surveil.protocol.Command;
import dev.surveil.protocol.Limits;
import dev.surveil.protocol.MessageReader;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.ProtocolException;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Status;
import dev.surveil.time.Ticker;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Random and mutated requests for the protocol fuzz test, each with the reply it must get. The
 * expected reply comes from parsing the bytes with {@link MessageReader} as the server would; a
 * request that would change a server's state (a valid {@code dispatch}, {@code register},
 * {@code results} or {@code runtest}) is never produced, so the servers' state must not change.
 * Deterministic for a seed. Not thread-safe.
 */
final class FuzzedRequests {
  /** Which server a request goes to. */
  enum Target { DISPATCHER, RUNNER }

  /** One request and the exact reply it must get. */
  record Case(Target target, byte[] bytes, String expectedReply) {}

  /** Part of every hostile name, so that a file written from one can be searched for. */
  static final String MARK = "fuzzmark";
  private static final String[] HOSTILE = {"../../" + MARK, "/tmp/" + MARK, "..\\..\\" + MARK,
      MARK + "\u0000", "abcd\u0000/../" + MARK, "%2e%2e%2f" + MARK, "a".repeat(65), "-rf",
      "--output=" + MARK, "$(touch " + MARK + ")", "`touch " + MARK + "`",
      "\u0663\u0663\u0663\u0663",
      "\uff21\uff22\uff23\uff24", "0x1234", "+1234", "-1", "99999999999", "4294967296", "",
      "abcd/../" + MARK, "HEAD", "master", "@{-1}", "abcd:efgh", "x".repeat(1500), "\r\n\r\n"};
  private static final byte[] INTERESTING = {0, '\n', '\r', ':', '/', '.', '\\', (byte) 0xff,
      (byte) 0xc3, ' ', '-', '0', 'a', 'F', (byte) 0x80, 0x7f};
  private static final String[] HOSTS = {"localhost", "10.0.0.1", "runner-1.example", "a"};
  private static final Limits RUNNER_LIMITS = new Limits(Limits.DEFAULT.maxLineBytes(), 0);

  private final Random random;

  FuzzedRequests(long seed) {
    this.random = new Random(seed);
  }

  /** The next request for {@code target} that must leave both servers' state as it is. */
  Case next(Target target) {
    while (true) {
      byte[] bytes = random.nextInt(10) == 0 ? randomBytes() : mutate(template());
      Optional<String> reply = expectedReply(target, bytes);
      if (reply.isPresent()) {
        return new Case(target, bytes, reply.get());
      }
    }
  }

  /** The reply the server must send, or empty if the request would change its state. */
  private static Optional<String> expectedReply(Target target, byte[] bytes) {
    Limits limits = target == Target.RUNNER ? RUNNER_LIMITS : Limits.DEFAULT;
    Request request;
    try {
      request = new MessageReader(new ByteArrayInputStream(bytes), limits, Ticker.SYSTEM,
          Duration.ofMinutes(1)).readRequest();
    } catch (EOFException nothingSent) {
      return Optional.empty(); // no request, no reply: not worth a connection
    } catch (ProtocolException e) {
      return Optional.of(Reply.INVALID_COMMAND.text());
    } catch (IOException e) {
      throw new AssertionError("a byte array cannot fail to read", e);
    }
    if (request instanceof Status) {
      return Optional.of(target == Target.DISPATCHER ? Reply.OK.text() : invalid());
    }
    if (request instanceof Ping) {
      return Optional.of(target == Target.RUNNER ? Reply.PONG.text() : invalid());
    }
    Set<Command> served = target == Target.DISPATCHER
        ? EnumSet.of(Command.DISPATCH, Command.REGISTER, Command.RESULTS)
        : EnumSet.of(Command.RUNTEST);
    return served.contains(request.command()) ? Optional.empty() : Optional.of(invalid());
  }

  private static String invalid() {
    return Reply.INVALID_COMMAND.text();
  }

  private String template() {
    switch (random.nextInt(8)) {
      case 0: return "status\n";
      case 1: return "ping\n";
      case 2: return "notify\n";
      case 3: return "dispatch:" + commitId() + "\n";
      case 4: return "runtest:" + commitId() + "\n";
      case 5: return "register:" + HOSTS[random.nextInt(HOSTS.length)] + ":"
          + (1 + random.nextInt(65535)) + "\n";
      case 6: return "auth:" + random.nextLong() + ":" + hex(32) + ":" + hex(64) + "\nstatus\n";
      default:
        String report = report();
        return "results:" + commitId() + ":"
            + report.getBytes(StandardCharsets.UTF_8).length + ":" + report;
    }
  }

  private byte[] mutate(String template) {
    String text = template;
    if (random.nextInt(4) == 0) {
      String hostile = HOSTILE[random.nextInt(HOSTILE.length)];
      text = text.replaceFirst(":[^:\\n]*", Matcher.quoteReplacement(":" + hostile));
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int mutations = random.nextInt(4);
    for (int i = 0; i < mutations && bytes.length > 0; i++) {
      bytes = mutateOnce(bytes);
    }
    return bytes;
  }

  private byte[] mutateOnce(byte[] bytes) {
    int at = random.nextInt(bytes.length);
    switch (random.nextInt(7)) {
      case 0:
        bytes[at] = (byte) random.nextInt(256);
        return bytes;
      case 1:
        bytes[at] = INTERESTING[random.nextInt(INTERESTING.length)];
        return bytes;
      case 2: {
        byte[] inserted = new byte[1 + random.nextInt(8)];
        for (int i = 0; i < inserted.length; i++) {
          inserted[i] = INTERESTING[random.nextInt(INTERESTING.length)];
        }
        return splice(bytes, at, at, inserted);
      }
      case 3:
        return splice(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(16)),
            new byte[0]);
      case 4:
        return splice(bytes, at, at, Arrays.copyOfRange(bytes, at,
            Math.min(bytes.length, at + 1 + random.nextInt(64))));
      case 5:
        return Arrays.copyOf(bytes, at);
      default:
        bytes[at] = (byte) Character.toUpperCase((char) (bytes[at] & 0xff));
        return bytes;
    }
  }

  private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
    byte[] out = new byte[bytes.length - (to - from) + insert.length];
    System.arraycopy(bytes, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(bytes, to, out, from + insert.length, bytes.length - to);
    return out;
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[1 + random.nextInt(random.nextInt(10) == 0 ? 3000 : 64)];
    random.nextBytes(bytes);
    return bytes;
  }

  private String commitId() {
    String id = hex(random.nextInt(8) == 0 ? 4 + random.nextInt(61) : 40);
    return random.nextInt(10) == 0 ? id.toUpperCase() : id;
  }

  private String hex(int digits) {
    StringBuilder sb = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sb.toString();
  }

  private String report() {
    String[] pieces = {"PASSED  a()\n", "FAILED  b(): 1 + 1 should be 3\n", "caf\u00e9 \u2713",
        ":", "\r\n", "\u0000", "results:abcd:1:x"};
    StringBuilder sb = new StringBuilder();
    int count = random.nextInt(12);
    for (int i = 0; i < count; i++) {
      sb.append(pieces[random.nextInt(pieces.length)]);
    }
    return sb.toString();
  }
}
