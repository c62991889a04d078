package dev.surveil.protocol;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A git commit id: 4 to 64 hexadecimal characters, kept in lower case. Because nothing else is
 * accepted, a {@code CommitId} is always safe to use as a file name, a git argument or a log field.
 */
public record CommitId(String value) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{4,64}");

  public CommitId {
    value = value.toLowerCase(Locale.ROOT);
    if (!HEX.matcher(value).matches()) {
      throw new IllegalArgumentException("not a commit id (4-64 hex characters): " + quote(value));
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

  static String quote(String text) {
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
