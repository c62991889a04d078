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
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  /** How a refused id is described, before the id itself. */
  static final String PROBLEM = "not a full commit id (40 or 64 hex characters): ";

  public CommitId {
    value = value.toLowerCase(Locale.ROOT);
    if (!HEX.matcher(value).matches()) {
      throw new IllegalArgumentException(PROBLEM + quote(value));
    }
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
