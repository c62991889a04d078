package dev.surveil.protocol;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A full git commit id: 40 hexadecimal characters (SHA-1) or 64 (SHA-256), kept in lower case.
 * Because nothing else is accepted, a {@code CommitId} is always safe to use as a file name, a git
 * argument or a log field; and because an abbreviation is refused, each commit has exactly one
 * id, so a commit is queued, tested and stored once whichever way it was named.
 */
public record CommitId(String value) {
  private static final int SHA1_HEX = 40;
  private static final int SHA256_HEX = 64;
  private static final Pattern HEX_DIGITS = Pattern.compile("[0-9a-fA-F]*");

  /** How a refused id is described, before the id itself. */
  static final String PROBLEM = "not a full commit id (40 or 64 hex characters): ";

  public CommitId {
    value = value.toLowerCase(Locale.ROOT);
    if (!isFull(value)) {
      throw new IllegalArgumentException(PROBLEM + quote(value));
    }
  }

  /**
   * Whether {@code text} is a commit id, or more hex digits could make it one: at most 64 hex
   * digits, of either case.
   */
  static boolean isPrefix(String text) {
    return text.length() <= SHA256_HEX && HEX_DIGITS.matcher(text).matches();
  }

  /** Whether {@code text} is a whole commit id: 40 or 64 hex digits, of either case. */
  static boolean isFull(String text) {
    return (text.length() == SHA1_HEX || text.length() == SHA256_HEX) && isPrefix(text);
  }

  /** Parses {@code text} as a commit id, or throws a {@link ProtocolException} naming it. */
  public static CommitId parse(String text) throws ProtocolException {
    try {
      return new CommitId(text);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(e.getMessage());
    }
  }

  /** The first 10 characters, for people reading logs. */
  public String abbreviated() {
    return value.length() <= 10 ? value : value.substring(0, 10);
  }

  @Override
  public String toString() {
    return value;
  }

  public static String quote(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    StringBuilder sb = new StringBuilder("'");
    for (char c : shown.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }
}
