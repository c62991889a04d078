package dev.surveil.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request as the chapter's handlers read it: {@code re.compile(r"(\w+)(:.+)*").match(data)} on
 * the stripped bytes of one {@code recv}. The command is group 1; the argument is group 2 without
 * its leading {@code :} (the rest of the first line), or empty. Immutable.
 *
 * @param command the word the request starts with, e.g. {@code dispatch}
 * @param argument what follows the first {@code :} up to the end of the first line, if anything
 */
public record ChapterRequest(String command, Optional<String> argument) {
  // Python's re.match anchors at the start only; \w and '.' mean the same in Java (ASCII, no \n).
  private static final Pattern COMMAND = Pattern.compile("(\\w+)(:.+)*");
  private static final Pattern FIELD = Pattern.compile(":(\\w*)");

  /** The request in {@code data}, or empty where the chapter answers {@code Invalid command}. */
  public static Optional<ChapterRequest> parse(String data) {
    Matcher matcher = COMMAND.matcher(data);
    if (!matcher.lookingAt()) {
      return Optional.empty();
    }
    String group2 = matcher.group(2);
    return Optional.of(new ChapterRequest(matcher.group(1),
        Optional.ofNullable(group2).map(g -> g.substring(1))));
  }

  /** The command word of {@code data}, or {@code ""} if it has none. */
  public static String commandOf(String data) {
    return parse(data).map(ChapterRequest::command).orElse("");
  }

  /**
   * The argument's fields as the chapter's {@code register} finds them:
   * {@code re.findall(r":(\w*)", group(2))}. So {@code :localhost:8900} gives {@code localhost}
   * and {@code 8900}, and {@code :127.0.0.1:8900} gives {@code 127} and {@code 8900}.
   */
  public List<String> wordFields() {
    List<String> fields = new ArrayList<>();
    Matcher matcher = FIELD.matcher(":" + argument.orElse(""));
    while (matcher.find()) {
      fields.add(matcher.group(1));
    }
    return fields;
  }

  /**
   * Python's {@code str.strip()}: drops leading and trailing spaces, tabs, newlines, carriage
   * returns, vertical tabs and form feeds.
   */
  public static String strip(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isPythonSpace(text.charAt(start))) {
      start++;
    }
    while (end > start && isPythonSpace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(start, end);
  }

  private static boolean isPythonSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
  }
}
